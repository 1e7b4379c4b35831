import { basename, dirname } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { runBench } from './commands/bench';
import { writeCard } from './commands/card';
import { EVAL_ATTACKS, parseAttack } from './attack/eval-attack';
import { renderCheck, runCheck } from './commands/check';
import { runEval } from './commands/evaluate';
import { runMerge } from './commands/merge';
import { parseShard } from './commands/shard';
import { runCheckModel, runEvalModel } from './user-model/eval-model';
import { exportSafetensors, importSafetensors } from './commands/export';
import { exportNarrow, measureNarrowLatency } from './commands/export-narrow';
import { exportSparse8 } from './commands/export-sparse8';
import { experimentNames, isFigureExperiment, renderFigure, renderPaper, renderReport, runExperiment, runFigure, runPaper } from './experiment';
import { BACKEND_NAMES, MAX_THREADS, selectBackend } from '@floatjs/backend';
import { isMethodPath, loadMethodOf } from './recipes/method-module';
import { methodNames } from './recipes/methods';
import { presetNames } from './recipes/presets';
import { MAX_ROLLBACKS } from './run-safety/rollback';
import { evalTable } from './report/table';
import { runTrain } from './commands/train';
import { EVAL_VERSION } from './version';
import { buildPlan, execJob, EXECUTORS, planStatus, readPlan, runPlan, writePlan, type Executor } from './plan';

const number = (flag: string) => (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${flag} expects a number, got "${v}"`);
  return n;
};
const integer = (flag: string) => (v: string) => {
  const n = number(flag)(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${flag} expects an integer, got "${v}"`);
  return n;
};
const BACKENDS = BACKEND_NAMES.join(' | ');
const numberList = (flag: string) => (v: string) => v.split(',').map((s) => number(flag)(s));
const integerList = (flag: string) => (v: string) => v.split(',').map((s) => integer(flag)(s));

/** A method's name in a default directory: a module's file name without its extension. */
function methodLabel(method: string): string {
  return isMethodPath(method) ? (basename(method).replace(/\.m?js$/, '') || 'method') : method;
}

/** The flags that evaluate a user's tfjs model instead of a checkpoint (eval and check). */
function withModelFlags(cmd: Command): Command {
  return cmd
    .option('--model <file>', 'a tfjs model.json (LayersModel or GraphModel, NHWC images in [0, 1]) instead of a checkpoint; needs --preset')
    .option('--preset <name>', `with --model: the preset whose test set, ε and attack to use (${presetNames().join(', ')})`)
    .option('--mean <list>', 'with --model: per-channel mean the model subtracts (inside the attacked function)', numberList('--mean'))
    .option('--std <list>', 'with --model: per-channel std the model divides by (with --mean)', numberList('--std'))
    .option('--outputs <kind>', 'with --model: logits (default) or probabilities (a final softmax; attacks use log p)');
}

/** Splits the --model flags off and refuses a checkpoint and a model together, or model flags without --model. */
function modelTarget(dir: string | undefined, o: Record<string, unknown>) {
  const { model, preset, mean, std, outputs, ...rest } = o as { model?: string; preset?: string; mean?: number[]; std?: number[]; outputs?: 'logits' | 'probabilities' } & Record<string, unknown>;
  if (model && dir) throw new Error(`give a checkpoint directory or --model, not both (got "${dir}" and --model ${model})`);
  if (!model && !dir) throw new Error('missing the checkpoint directory (or --model FILE)');
  if (!model && (preset || mean || std || outputs)) throw new Error(`--${preset ? 'preset' : mean ? 'mean' : std ? 'std' : 'outputs'}: only with --model (a checkpoint knows its preset)`);
  if (model && !preset) throw new Error('--preset: --model needs the preset whose test set and attack to use');
  return { model, user: { preset: preset as string, mean, std, outputs }, rest };
}

export function buildProgram(): Command {
  const program = new Command('float')
    .description('Once-for-all adversarial training (FLOAT) on TensorFlow.js')
    .version(EVAL_VERSION, '-V, --version', 'print the version of @floatjs/eval')
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('train')
    .description('train a model with one method on one preset and write a checkpoint directory')
    .option('--preset <name>', `preset (${presetNames().join(', ')})`)
    .option('--method <name>', `method (${methodNames().join(', ')}; default float), or a module exporting a method kit (./my-method.js)`)
    .option('--resume <dir>', 'continue an interrupted run from its last complete checkpoint')
    .option('--out <dir>', 'checkpoint directory (default runs/<preset>-<method>); refused if it holds a run, unless --force')
    .option('--force', 'if --out holds a run, move it aside to DIR.old-<time> and start afresh (never with --resume)')
    .option('--seed <n>', 'seed of initialisation, shuffling, attacks and noise', integer('--seed'), 1)
    .option('--epochs <n>', 'override the preset epochs', integer('--epochs'))
    .option('--init <kind>', 'conv kernel init of a new run: pytorch (U(±1/√fan_in), default) or he-normal', (v: string) => {
      if (v !== 'pytorch' && v !== 'he-normal') throw new InvalidArgumentError(`--init expects pytorch or he-normal, got "${v}"`);
      return v;
    })
    .option('--lambda <x>', 'pgd-at: weight λ of the adversarial loss', number('--lambda'))
    .option('--method-options <json>', 'the method\'s options as a JSON object, recorded in the recipe (e.g. OAT\'s λ set: \'{"lambdas":[0,0.2,0.7,1]}\')', jsonObject('--method-options'))
    .option('--limit <n>', 'train on the first n images (Tiny-ImageNet, ImageNet-100: n spread evenly over the classes)', integer('--limit'))
    .option('--batch-size <n>', 'override the preset batch size', integer('--batch-size'))
    .option('--backend <name>', `${BACKENDS} (default: FLOAT_BACKEND, else best available; webgpu only on a real GPU)`)
    .option(
      '--on-divergence <mode>',
      `on a NaN/Inf loss or weight: stop, or rollback (reload the last checkpoint, halve the learning rate, continue; at most ${MAX_ROLLBACKS} times)`,
      (v: string) => {
        if (v !== 'stop' && v !== 'rollback') throw new InvalidArgumentError(`--on-divergence expects stop or rollback, got "${v}"`);
        return v;
      },
      'stop',
    )
    .action(async (o) => {
      if (!o.resume && !o.preset) throw new Error('--preset: required (or --resume DIR to continue a run)');
      const out = o.resume ?? o.out ?? `runs/${o.preset}-${o.method ? methodLabel(o.method) : 'float'}`;
      const s = await runTrain({ ...o, trainLimit: o.limit, out, resume: Boolean(o.resume) });
      process.stdout.write(`${JSON.stringify({ event: 'trained', out, ...s })}\n`);
    });

  withModelFlags(program.command('eval'))
    .description('evaluate a checkpoint (clean and robust accuracy at every requested λ), or a tfjs model with --model')
    .argument('[dir]', 'checkpoint directory written by `float train` (or --model FILE)')
    .option('--attack <name>', `${EVAL_ATTACKS.join(' | ')} (DIR: a checkpoint to craft on)`, 'pgd')
    .option('--steps <n>', 'PGD steps (step size 2.5ε/steps)', integer('--steps'))
    .option('--eps <x>', 'budget ε, inputs in [0, 1] (default the preset\'s ℓ∞ ε; PGD step 2.5ε/steps)', number('--eps'))
    .option('--norm <linf|l2>', 'threat model of every attack: linf (default) or l2 (needs --eps; fgsm is ℓ∞ only)')
    .option('--seed <n>', 'seed of attack starts and forward noise (default the recipe\'s seed)', integer('--seed'))
    .option('--batch-size <n>', 'images per attacked batch (default the preset\'s)', integer('--batch-size'))
    .option('--lambdas <list>', 'comma-separated λ values', numberList('--lambdas'))
    .option('--lambda-th <list>', 'comma-separated λ_th values (Eq. 6)', numberList('--lambda-th'))
    .option('--eot <n>', 'gradient draws per attack step on randomized conditions', integer('--eot'))
    .option('--limit <n>', 'evaluate the first n test images', integer('--limit'))
    .option('--draws <n>', 'forward draws behind CA/RA of randomized conditions, reported as mean ± std (default 3)', integer('--draws'))
    .option('--aa-iter <n>', 'AutoAttack: APGD/FAB iterations (default 100)', integer('--aa-iter'))
    .option('--aa-queries <n>', 'AutoAttack: Square queries (default 5000)', integer('--aa-queries'))
    .option('--allow-deterministic', 'allow --eot 1 on randomized conditions (the report still marks them randomized)')
    .option('--shard <i/n>', 'evaluate only the i-th of n slices of the test set (whole batches; 1 ≤ i ≤ n), for `float merge`; report default <dir>/eval.shard-<i>-of-<n>.json')
    .option('--json <file>', 'where to write the JSON report (default <dir>/eval.json; - for standard output); refused if it exists, unless --force')
    .option('--force', 'replace an existing report, and discard the state file of an interrupted run with other options (one with the same options is resumed)')
    .option('--backend <name>', BACKENDS)
    .action(async (dir, o) => {
      if (o.shard !== undefined) parseShard(o.shard);
      parseAttack(o.attack);
      const { model, user, rest } = modelTarget(dir, o);
      const { force, ...flags } = rest as typeof o;
      const common = { ...flags, lambdaThs: o.lambdaTh, keepExisting: !force };
      const report = model ? await runEvalModel(model, { ...common, ...user }) : await runEval(dir, common);
      if (o.json !== '-') process.stdout.write(`${evalTable(report)}\n`);
    });
  program
    .command('merge')
    .description('combine the shard reports of one evaluation (float eval --shard i/n) into the report the unsharded run writes')
    .argument('<files...>', 'the n shard reports, or one directory holding eval.shard-<i>-of-<n>.json')
    .option('--json <file>', 'where to write the merged report (default: the first file\'s name without .shard-<i>-of-<n>, e.g. DIR/eval.json; - for standard output); refused if it exists, unless --force')
    .option('--force', 'replace an existing report')
    .action((files: string[], o) => {
      const { report, out, files: merged } = runMerge(files, { json: o.json, force: o.force });
      if (out !== '-') process.stdout.write(`${JSON.stringify({ event: 'merged', out, shards: merged.length, rows: report.rows.length, testImages: report.testImages })}\n`);
    });
  withModelFlags(program.command('check'))
    .description('the obfuscated-gradients checklist (paper Table 2), measured per condition, with RA-vs-ε and RA-vs-K plots (a checkpoint, or a tfjs model with --model)')
    .argument('[dir]', 'checkpoint directory (or --model FILE)')
    .option('--lambdas <list>', 'λ values to check (default 0,1)', numberList('--lambdas'))
    .option('--lambda-th <list>', 'comma-separated λ_th values (Eq. 6), default 0', numberList('--lambda-th'))
    .option('--source <dir>', 'another checkpoint to craft transfer (black-box) examples on, for check (ii)')
    .option('--limit <n>', 'test images (default min(preset test limit, 500))', integer('--limit'))
    .option('--eot <n>', 'gradient draws per attack step on randomized conditions', integer('--eot'))
    .option('--out <dir>', 'where to write check.json, check.md and the plots (default <dir>)')
    .option('--render', 'only re-make check.md and the plots from DIR/check.json (no attacks)')
    .option('--backend <name>', BACKENDS)
    .action(async (dir, o) => {
      if (o.render) {
        if (!dir) throw new Error('--render: give the directory holding check.json');
        const r = await renderCheck(dir);
        process.stdout.write(`${JSON.stringify({ event: 'rendered', out: dir, files: ['check.md', ...r.plots] })}\n`);
        return;
      }
      const { model, user, rest } = modelTarget(dir, o);
      const { lambdaTh, ...flags } = rest as typeof o;
      const r = model ? await runCheckModel(model, { ...flags, ...user, lambdaThs: lambdaTh }) : await runCheck(dir, { ...flags, lambdaThs: lambdaTh });
      const out = o.out ?? (model ? dirname(model) : dir);
      process.stdout.write(`${JSON.stringify({ event: 'checked', out, passed: r.passed, conditions: r.conditions.map((c) => ({ lambda: c.lambda, passed: c.report.passed, failed: c.report.checks.filter((k) => k.passed === false).map((k) => k.id) })) })}\n`);
    });

  const experiment = program
    .command('experiment')
    .description('train several methods on one preset, evaluate each alike, and write report.json, report.md and plots')
    .argument('<name>', `experiment (${experimentNames().join(', ')}), or paper: every one of them and one reproduction report`)
    .option('--out <dir>', 'output directory (default runs/experiment-<name>)')
    .option('--runs <dir>', 'train and reuse the runs in DIR instead of --out (e.g. another experiment\'s directory, to reuse its finished runs); paper: default OUT/runs')
    .option('--preset <name>', `train and evaluate on this preset instead of the experiment's (${presetNames().join(', ')})`)
    .option('--backend <name>', BACKENDS)
    .option('--seed <n>', 'seed of every run, runs in DIR/<run>/ (default 1)', integer('--seed'))
    .option('--seeds <list>', 'comma-separated seeds: every run trained and evaluated once per seed, in DIR/seed-<n>/<run>/; the report gives mean ± std across seeds', integerList('--seeds'))
    .option('--epochs <n>', 'override the preset epochs for every run', integer('--epochs'))
    .option('--train-limit <n>', 'train every run on the first n training images (default: the preset\'s)', integer('--train-limit'))
    .option('--limit <n>', 'evaluate the first n test images', integer('--limit'))
    .option('--eval-batch-size <n>', 'images per attacked batch of every evaluation (default the preset\'s; shards are whole batches)', integer('--eval-batch-size'))
    .option('--aa-limit <n>', 'fmnist-attacks / paper: AutoAttack on the first n test images (default 200)', integer('--aa-limit'))
    .option('--aa-iter <n>', 'fmnist-attacks / paper: AutoAttack APGD/FAB iterations (default 100)', integer('--aa-iter'))
    .option('--aa-queries <n>', 'fmnist-attacks / paper: AutoAttack Square queries (default 5000)', integer('--aa-queries'))
    .option('--aa-eot <n>', 'fmnist-attacks / paper: EOT draws of autoattack-rand on randomized conditions (default its own 20)', integer('--aa-eot'))
    .option('--allow-deterministic', 'allow --eot 1 on randomized conditions (the report still marks them randomized)')
    .option('--render', 'only re-make report.md and the plots from DIR/report.json (no training)')
    .option('--plan <file>', 'write the experiment as a plan (jobs with command lines and dependencies) to FILE and run nothing; with --executor, write it there and run it')
    .option('--eval-shards <n>', 'with --plan/--executor: evaluate each run in n shards (float eval --shard i/n) and merge them (default 1)', integer('--eval-shards'));
  withExecutorOptions(experiment, false)
    .action(async (name, o) => {
      const out = o.out ?? `runs/experiment-${name}`;
      // `--jobs N` alone means the local executor; every other executor flag needs its --executor.
      if (o.jobs !== undefined && o.executor === undefined) o.executor = 'local';
      if (o.executor === undefined) checkExecutorFlags(o, undefined);
      if (o.plan !== undefined || o.executor !== undefined) {
        const planFile = o.plan ?? `${out}/plan.json`;
        const plan = buildPlan(name, { ...o, out, planFile, evalShards: o.evalShards });
        writePlan(plan, planFile);
        if (o.executor === undefined) {
          process.stdout.write(`${JSON.stringify({ event: 'planned', experiment: name, plan: planFile, jobs: plan.jobs.length, stages: countStages(plan.jobs) })}\n`);
          return;
        }
        await runPlanCli(plan, planFile, o);
        return;
      }
      if (o.evalShards !== undefined) throw new Error('--eval-shards: only with --plan FILE or --executor (an in-process experiment evaluates unsharded)');
      if (o.render) {
        if (name === 'paper') {
          const r = await renderPaper(out);
          process.stdout.write(`${JSON.stringify({ event: 'rendered', experiment: name, out, files: ['report.md', ...r.plots] })}\n`);
          return;
        }
        const r = await renderReport(out);
        if (r.experiment !== name) throw new Error(`--render: ${out}/report.json is experiment "${r.experiment}", not "${name}"`);
        const fig = isFigureExperiment(name) ? (await renderFigure(out)).plots : [];
        process.stdout.write(`${JSON.stringify({ event: 'rendered', experiment: name, out, files: ['report.md', ...r.plots, ...fig] })}\n`);
        return;
      }
      if (name === 'paper') {
        const r = await runPaper({ ...o, out });
        const tally = Object.fromEntries(['reproduced', 'not reproduced', 'not testable at this scale'].map((v) => [v, r.claims.filter((c) => c.verdict === v).length]));
        process.stdout.write(`${JSON.stringify({ event: 'paper', out, seconds: r.seconds, scale: r.scale, verdicts: tally, files: ['report.json', 'report.md', ...r.plots] })}\n`);
        return;
      }
      if (isFigureExperiment(name)) {
        const { report: r, figure } = await runFigure(name, { ...o, out });
        const files = ['report.json', 'report.md', 'figure.json', ...r.plots, ...figure.plots];
        process.stdout.write(`${JSON.stringify({ event: 'experiment', experiment: name, out, seconds: r.seconds, files, notes: r.notes })}\n`);
        return;
      }
      const r = await runExperiment(name, { ...o, out });
      const files = ['report.json', 'report.md', ...r.plots];
      process.stdout.write(`${JSON.stringify({ event: 'experiment', experiment: name, out, seconds: r.seconds, files, notes: r.notes })}\n`);
    });

  const plan = program.command('plan').description('run, inspect or execute one job of a plan written by `float experiment NAME --plan FILE`');
  withExecutorOptions(plan.command('run').description('run a plan: finished jobs are skipped, interrupted trainings resume, failed jobs run again').argument('<file>', 'plan file'), true)
    .action(async (file, o) => {
      await runPlanCli(readPlan(file), file, o);
    });
  plan
    .command('status')
    .description('per job: done, resumable or todo, from its files')
    .argument('<file>', 'plan file')
    .action((file) => {
      const s = planStatus(readPlan(file), file);
      for (const j of s) process.stdout.write(`${JSON.stringify({ event: 'job', ...j })}\n`);
      process.stdout.write(`${JSON.stringify({ event: 'status', plan: file, jobs: s.length, done: s.filter((j) => j.state === 'done').length })}\n`);
    });
  plan
    .command('exec')
    .description('run one job of a plan (what a SLURM or Kubernetes task runs): skip it if finished, resume an interrupted training')
    .argument('<file>', 'plan file')
    .argument('<id>', 'job id')
    .action(async (file, id) => {
      const r = await execJob(readPlan(file), file, id);
      process.stdout.write(`${JSON.stringify({ event: 'job', ...r })}\n`);
    });

  program
    .command('export')
    .description('write a checkpoint as one file with the recipe in its metadata: .safetensors, or sparse8 for pruned models')
    .argument('<dir>', 'checkpoint directory')
    .requiredOption('--out <file>', 'the file to write')
    .option('--format <name>', 'safetensors (float32, any layout) or sparse8 (8-bit, conv kernels in CSR: the FLOATS storage format)', 'safetensors')
    .option('--layout <name>', 'safetensors: tfjs ([kh,kw,in,out] kernels) or pytorch ([out,in,kh,kw])', 'tfjs')
    .option('--width <w>', 'slimmable models: write the width-w sub-network as a smaller checkpoint directory at --out', number('--width'))
    .option('--latency', 'with --width: time the full width, width w and the export')
    .option('--backend <name>', BACKENDS)
    .action(async (dir, o) => {
      await loadMethodOf(dir);
      if (o.width !== undefined) {
        await selectBackend(o.backend);
        const r = await exportNarrow(dir, o.out, o.width);
        const latency = o.latency ? measureNarrowLatency(dir, o.out) : undefined;
        process.stdout.write(`${JSON.stringify({ event: 'exported-narrow', ...r, ...(latency ? { latency } : {}) })}\n`);
        return;
      }
      if (o.format === 'sparse8') {
        await selectBackend(o.backend);
        const r = exportSparse8(dir, o.out);
        process.stdout.write(`${JSON.stringify({ event: 'exported', file: o.out, format: 'sparse8', ...r })}\n`);
        return;
      }
      if (o.format !== 'safetensors') throw new Error(`--format: expected safetensors or sparse8, got "${o.format}"`);
      const r = exportSafetensors(dir, o.out, o.layout);
      process.stdout.write(`${JSON.stringify({ event: 'exported', file: o.out, layout: o.layout, ...r })}\n`);
    });

  program
    .command('import')
    .description('turn a .safetensors file written as `float export` documents into a checkpoint directory')
    .argument('<file>', '.safetensors file with the recipe in its metadata')
    .requiredOption('--out <dir>', 'checkpoint directory to write')
    .action(async (file, o) => {
      await selectBackend(o.backend);
      const r = importSafetensors(file, o.out);
      process.stdout.write(`${JSON.stringify({ event: 'imported', dir: o.out, ...r })}\n`);
    });

  program
    .command('card')
    .description('a RobustBench-style model card (card.json, card.md) from a checkpoint and its evaluations')
    .argument('<dir>', 'checkpoint directory')
    .option('--eval <files...>', 'eval reports made on these weights (default <dir>/eval.json); per condition the card gives each RA and the lowest')
    .option('--out <dir>', 'where to write card.json and card.md (default <dir>)')
    .action((dir, o) => {
      const c = writeCard(dir, { evals: o.eval, out: o.out });
      process.stdout.write(`${JSON.stringify({ event: 'card', out: o.out ?? dir, rows: c.rows.length, weightsSha256: c.model.weightsSha256 })}\n`);
    });

  program
    .command('bench')
    .description('time PGD-7 adversarial-training steps (the workloads of the PyTorch reference)')
    .requiredOption('--workload <name>', 'resnet20-pgd7 | cnn-s-pgd7')
    .option('--batch-size <n>', 'batch size (default 64)', integer('--batch-size'))
    // The flag's first spelling, kept so that earlier command lines still run.
    .addOption(new Option('--batch <n>', 'batch size').argParser(integer('--batch')).hideHelp())
    .option('--method <name>', 'pgd-at | float | oat', 'pgd-at')
    .option('--steps <n>', 'timed steps (median reported)', integer('--steps'), 5)
    .option('--warmup <n>', 'untimed steps first', integer('--warmup'), 2)
    .option('--backend <name>', BACKENDS)
    .option('--json', 'print only the JSON line (the default output is JSON too)')
    .option('--profile', 'add each kernel\'s time per step (exclusive) to the JSON line')
    .action(async (o) => {
      const { batchSize, ...rest } = o;
      if (batchSize !== undefined && o.batch !== undefined && batchSize !== o.batch) throw new Error('--batch-size: given twice (--batch-size and --batch) with different values');
      const r = await runBench({ ...rest, batch: batchSize ?? o.batch ?? 64 });
      process.stdout.write(`${JSON.stringify(r)}\n`);
    });
  for (const name of ['train', 'eval', 'check', 'experiment']) withDataOptions(program.commands.find((c) => c.name() === name)!);
  for (const cmd of program.commands) if (cmd.options.some((o) => o.long === '--backend')) withThreadsOption(cmd);
  return program;
}

/**
 * `--threads N`: threads for the compute kernels (the native kernels' pool, or XNNPACK's on wasm without
 * them), passed on as FLOAT_THREADS (read when the backend starts).
 */
function withThreadsOption(cmd: Command): Command {
  return cmd
    .option('--threads <n>', `threads for convolutions (native kernels, else XNNPACK on wasm, which takes at most 8), 1-${MAX_THREADS} (default: FLOAT_THREADS, else all cores)`, (v: string) => {
      const n = integer('--threads')(v);
      if (n < 1 || n > MAX_THREADS) throw new InvalidArgumentError(`--threads expects 1 to ${MAX_THREADS}, got ${n}`);
      return n;
    })
    .hook('preAction', (c) => {
      const threads = c.opts().threads as number | undefined;
      if (threads !== undefined) process.env.FLOAT_THREADS = String(threads);
    });
}

const jsonObject = (flag: string) => (v: string) => {
  let o: unknown;
  try {
    o = JSON.parse(v);
  } catch {
    throw new InvalidArgumentError(`${flag} expects a JSON object, got "${v}"`);
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new InvalidArgumentError(`${flag} expects a JSON object, got "${v}"`);
  return o as Record<string, unknown>;
};

/** How many jobs of each stage a plan has. */
function countStages(jobs: ReadonlyArray<{ stage: string }>): Record<string, number> {
  const c: Record<string, number> = {};
  for (const j of jobs) c[j.stage] = (c[j.stage] ?? 0) + 1;
  return c;
}

/** The executor each executor-only flag belongs to (`--gpus` is slurm's and k8s's). */
const EXECUTOR_FLAGS: Record<string, { flag: string; executors: Executor[] }> = {
  jobs: { flag: '--jobs', executors: ['local'] },
  partition: { flag: '--partition', executors: ['slurm'] },
  time: { flag: '--time', executors: ['slurm'] },
  account: { flag: '--account', executors: ['slurm'] },
  slurmArg: { flag: '--slurm-arg', executors: ['slurm'] },
  wait: { flag: '--wait', executors: ['slurm'] },
  poll: { flag: '--poll', executors: ['slurm'] },
  gpus: { flag: '--gpus', executors: ['slurm', 'k8s'] },
  manifests: { flag: '--manifests', executors: ['k8s'] },
  image: { flag: '--image', executors: ['k8s'] },
  namespace: { flag: '--namespace', executors: ['k8s'] },
  volumeClaim: { flag: '--volume-claim', executors: ['k8s'] },
  mountPath: { flag: '--mount-path', executors: ['k8s'] },
  parallelism: { flag: '--parallelism', executors: ['k8s'] },
};

/** Refuses an executor flag the chosen executor (none: an in-process experiment) does not take. */
function checkExecutorFlags(o: Record<string, unknown>, executor: Executor | undefined): void {
  for (const [key, { flag, executors }] of Object.entries(EXECUTOR_FLAGS)) {
    if (o[key] !== undefined && !(executor && executors.includes(executor))) throw new Error(`${flag}: only with --executor ${executors.join(' or ')}${executor ? ` (got --executor ${executor})` : ''}`);
  }
}

/** Runs a plan with the executor flags; a failed job makes the exit status 1 (after the JSON line). */
async function runPlanCli(plan: ReturnType<typeof readPlan>, file: string, o: Record<string, unknown>): Promise<void> {
  const executor = (o.executor ?? 'local') as Executor;
  checkExecutorFlags(o, executor);
  const r = await runPlan(plan, file, { ...o, slurmArgs: o.slurmArg as string[] | undefined, executor });
  process.stdout.write(`${JSON.stringify(r.line)}\n`);
  if (!r.ok) throw new Error(`plan ${file}: ${(r.line.failed as string[]).length} job(s) failed: ${(r.line.failed as string[]).join(', ')}`);
}

/** The flags of the executors (`float experiment` and `float plan run`). */
function withExecutorOptions(cmd: Command, withQuiet: boolean): Command {
  cmd
    .option('--executor <name>', `${EXECUTORS.join(' | ')}: local runs the jobs here, slurm submits job arrays (sbatch), k8s writes Indexed Job manifests`, (v: string) => {
      if (!(EXECUTORS as readonly string[]).includes(v)) throw new InvalidArgumentError(`--executor expects ${EXECUTORS.join(', ')}, got "${v}"`);
      return v;
    })
    .option('--jobs <n>', 'local: jobs at once, each after the jobs it needs (default 1)', integer('--jobs'))
    .option('--partition <name>', 'slurm: sbatch --partition')
    .option('--time <limit>', 'slurm: sbatch --time, per task (e.g. 4:00:00)')
    .option('--gpus <n>', 'slurm: sbatch --gpus per task (e.g. 1, a100:1); k8s: nvidia.com/gpu per pod')
    .option('--account <name>', 'slurm: sbatch --account')
    .option('--slurm-arg <arg>', 'slurm: a further sbatch argument, passed as given (repeatable, e.g. --slurm-arg=--qos=high)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--wait', 'slurm: block until every submitted task has left the queue, then report (exit status 1 if a job failed)')
    .option('--poll <s>', 'slurm: seconds between squeue polls with --wait (default 10)', number('--poll'))
    .option('--manifests <dir>', 'k8s: where to write the manifests (default <out>/k8s)')
    .option('--image <name>', 'k8s: container image with float on its PATH (default floatjs:latest)')
    .option('--namespace <name>', 'k8s: namespace of the Jobs')
    .option('--volume-claim <name>', 'k8s: PersistentVolumeClaim holding the plan\'s directory, mounted at --mount-path')
    .option('--mount-path <dir>', 'k8s: the plan\'s directory inside the pods (default /work)')
    .option('--parallelism <n>', 'k8s: pods of one Job at once (default all)', integer('--parallelism'));
  if (withQuiet) cmd.option('--quiet', 'no progress output');
  return cmd;
}

/** The dataset and output options every command that reads data shares. */
function withDataOptions(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'directory holding the dataset files')
    .option('--download', 'download missing datasets into the cache')
    .option('--no-verify', 'skip the dataset checksum check (custom files)')
    .option('--quiet', 'no progress output');
}

export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().exitOverride((err) => {
      throw err;
    }).parseAsync(argv);
  } catch (err) {
    if (isCommanderError(err)) {
      // commander has already printed its one-line message (or the help text).
      process.exitCode = typeof err.exitCode === 'number' ? err.exitCode : 1;
      return;
    }
    process.stderr.write(`float: error: ${errorLine(err)}\n`);
    if (process.env.FLOAT_DEBUG) console.error(err);
    process.exitCode = 1;
  }
}

function isCommanderError(err: unknown): err is { code: string; exitCode?: unknown } {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string' && (err as { code: string }).code.startsWith('commander.');
}

/** The first line of any thrown value's message: an Error, a string, a number, null, an object without one. */
export function errorLine(err: unknown): string {
  let text: string;
  try {
    const message = typeof err === 'object' && err !== null ? (err as { message?: unknown }).message : undefined;
    text = typeof message === 'string' && message ? message : typeof err === 'string' ? err : JSON.stringify(err) ?? String(err);
  } catch {
    text = Object.prototype.toString.call(err);
  }
  return text.split('\n')[0] || 'unknown error';
}
