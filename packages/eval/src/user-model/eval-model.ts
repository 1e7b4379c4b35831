import * as tf from '@tensorflow/tfjs-core';
import { dirname, join } from 'node:path';
import { condition } from '@floatjs/engine';
import { selectBackend } from '@floatjs/backend';
import { backendLine, backendRecord } from '../report/backend-record';
import { parseAttack } from '../attack/eval-attack';
import { checkTarget, type CheckOptions, type CheckReport } from '../commands/check';
import { evaluateTarget, refuseExistingReport, threatModel, type EvalOptions, type EvalReport, type EvalTarget } from '../commands/evaluate';
import { loadMethodOf } from '../recipes/method-module';
import { parseShard, shardReportName } from '../commands/shard';
import type { EvalSetting } from '../recipes/methods';
import { checkOptions, evalOptionsSchema } from '../recipes/option-schema';
import { getPreset, type Preset } from '../recipes/presets';
import { Progress } from '../report/progress';
import { detectRandomness } from '../attack/randomness';
import { checkOutputs, loadUserModel, type UserModel, type UserModelOptions } from './load-user-model';

export interface EvalModelOptions extends EvalOptions, UserModelOptions {
  /** The preset whose test split, ε, attack and batch size are used (the model is not a floatjs checkpoint). */
  preset: string;
}

/**
 * `float eval --model FILE --preset NAME`: a user's own tfjs model (LayersModel or GraphModel), attacked like a
 * checkpoint's model at its one setting. A model whose forwards differ (noise at inference) is randomized and
 * gets EOT and re-drawn verdicts like FLOAT's noisy conditions. The report goes next to model.json as eval.json
 * unless --json says otherwise.
 */
export async function runEvalModel(path: string, opts: EvalModelOptions): Promise<EvalReport> {
  checkOptions('runEvalModel', evalOptionsSchema, opts);
  if (opts.lambdas || opts.lambdaThs) throw new Error(`${opts.lambdas ? '--lambdas' : '--lambda-th'}: ${path} is not a floatjs checkpoint and has no λ; leave it out`);
  if (opts.outputs !== undefined && opts.outputs !== 'logits' && opts.outputs !== 'probabilities') throw new Error(`--outputs: expected logits or probabilities, got "${opts.outputs}"`);
  const reportFile = refuseExistingReport(opts, join(dirname(path), opts.shard === undefined ? 'eval.json' : shardReportName(parseShard(opts.shard))));
  const preset = getPreset(opts.preset);
  const attack = parseAttack(opts.attack ?? 'pgd');
  const norm = threatModel(opts, attack);
  const progress = new Progress(process.stderr, opts.quiet);
  const backend = await selectBackend(opts.backend);
  progress.log('backend', { backend: backend.name, ...backendRecord(backend) }, backendLine(backend));
  const user = await loadUserModel(path, opts);
  return evaluateTarget(
    userModelTarget(path, user, preset, opts),
    opts,
    { attack, norm, progress, backend, reportFile },
  );
}

/** `float check --model FILE --preset NAME`: the obfuscated-gradients checklist on a user's tfjs model. */
export async function runCheckModel(path: string, opts: CheckOptions & UserModelOptions & { preset: string; seed?: number }): Promise<CheckReport> {
  const t0 = performance.now();
  if (opts.lambdas || opts.lambdaThs) throw new Error(`${opts.lambdas ? '--lambdas' : '--lambda-th'}: ${path} is not a floatjs checkpoint and has no λ; leave it out`);
  const preset = getPreset(opts.preset);
  if (opts.source) await loadMethodOf(opts.source);
  const progress = new Progress(process.stderr, opts.quiet);
  const backend = await selectBackend(opts.backend);
  progress.log('backend', { backend: backend.name, ...backendRecord(backend) }, backendLine(backend));
  const user = await loadUserModel(path, opts);
  return checkTarget(userModelTarget(path, user, preset, opts), opts, { progress, backend, out: opts.out ?? dirname(path), t0 });
}

/**
 * A user's model as eval and check attack it: one setting (no λ), randomized when two forwards differ, after
 * the input shape, the class count and the outputs (logits, not probabilities) are checked on the test images.
 */
export function userModelTarget(path: string, user: UserModel, preset: Preset, opts: UserModelOptions & { seed?: number }): EvalTarget {
  let randomized = false;
  return {
    checkpoint: path,
    method: `tfjs-${user.kind}-model`,
    preset,
    dataset: preset.dataset,
    seed: opts.seed ?? 1,
    weightsSha256: user.sha256,
    prepare(x, test) {
      const want = [test.height, test.width, test.channels];
      if (user.inputShape.length !== 3 || user.inputShape.some((d, i) => d !== -1 && d !== want[i])) {
        throw new Error(`${path}: the model takes images of shape [${user.inputShape.join(', ')}]; ${test.name} has [${want.join(', ')}] (NHWC)`);
      }
      const probe = tf.slice(x, 0, Math.min(8, x.shape[0]));
      try {
        checkOutputs(path, user.logitsFn, probe, opts.outputs, test.numClasses);
        randomized = detectRandomness(user.logitsFn, probe);
      } finally {
        probe.dispose();
      }
    },
    settings: (): EvalSetting[] => [{ lambda: null, lambdaTh: null, cond: condition(), width: 1, randomized }],
    logitsFn: () => user.logitsFn,
    dispose: () => user.dispose(),
  };
}
