import { DEFAULT_LAMBDAS } from '@floatjs/conditioning-film';

/** One model an experiment trains: a method, its options, and the sub-directory it is written to. */
export interface ExperimentRun {
  method: string;
  /** pgd-at: the fixed λ of its loss `(1−λ)·L_C + λ·L_A`. */
  lambda?: number;
  /**
   * The method's options, recorded in the run's recipe (`methodOptions`) and compared when a finished run is
   * reused, e.g. OAT's λ set `{ lambdas: [...] }`. `lambda` is added to them.
   */
  methodOptions?: Record<string, unknown>;
  /** Sub-directory and report label; default `<method>` or `<method>-<λ>`. */
  label?: string;
  /** Skip with a note when the method is not registered (e.g. a baseline whose package is not installed). */
  optional?: boolean;
}

export interface ExperimentDef {
  name: string;
  description: string;
  /** The preset every run trains and is evaluated on (same data, model, schedule, attack). */
  preset: string;
  runs: ExperimentRun[];
  /** The λs every run is evaluated at (default the preset's `eval.lambdas`), e.g. a finer λn grid. */
  evalLambdas?: number[];
  /** Also compute the paper's cost figures for ResNet-34 on CIFAR-10 (analytic; a few seconds). Default false. */
  paperReference?: boolean;
  /** Report model size as in Table 1 (CR, CRF, sparse storage) and plot one conv layer's |W| as in Fig. 4a. */
  compression?: { heatmapLayer?: string };
  /** Timed rounds of the inference-latency measurement (default 15) and warm-up rounds (default 3). */
  latencyReps?: number;
  latencyWarmup?: number;
}

const experiments = new Map<string, ExperimentDef>();

export function registerExperiment(def: ExperimentDef): void {
  if (experiments.has(def.name)) throw new Error(`experiment "${def.name}" is already registered`);
  const labels = new Set<string>();
  for (const r of def.runs) {
    const label = runLabel(r);
    if (labels.has(label)) throw new Error(`experiment "${def.name}" lists run "${label}" twice`);
    labels.add(label);
  }
  experiments.set(def.name, def);
}

export function experimentNames(): string[] {
  return [...experiments.keys()];
}

export function getExperiment(name: string): ExperimentDef {
  const e = experiments.get(name);
  if (!e) throw new Error(`unknown experiment "${name}"; expected one of: ${experimentNames().join(', ')}`);
  return e;
}

export function runLabel(r: ExperimentRun): string {
  return r.label ?? (r.lambda === undefined ? r.method : `${r.method}-${r.lambda}`);
}

/** The λ grid of the paper's comparison (FV2's `val_lambdas`), one PGD-AT model per value. */
export const PGD_AT_LAMBDAS = [0, 0.2, 0.7, 1] as const;

/** Sec. 4.3 / Fig. 2b: OAT is trained with the λ set it is evaluated at, S_λ = {0, 0.2, 0.7, 1}. */
export const OAT_PAPER_LAMBDAS: readonly number[] = [0, 0.2, 0.7, 1];
/** OAT's own code default, S_λ = {0, 0.1, 0.2, 0.3, 0.4, 1}. */
export const OAT_DEFAULT_LAMBDAS: readonly number[] = DEFAULT_LAMBDAS;

/** The options of a run, as its recipe records them: `methodOptions` plus pgd-at's `lambda`. */
export function runMethodOptions(r: ExperimentRun): Record<string, unknown> {
  return { ...r.methodOptions, ...(r.lambda === undefined ? {} : { lambda: r.lambda }) };
}

registerExperiment({
  name: 'fmnist-compare',
  description: 'FLOAT vs OAT (trained with the paper’s λ set {0, 0.2, 0.7, 1}) vs PGD-AT (one model per λ ∈ {0, 0.2, 0.7, 1}) on fmnist-quick, with the paper’s cost figures',
  preset: 'fmnist-quick',
  runs: [{ method: 'float' }, { method: 'oat', methodOptions: { lambdas: [...OAT_PAPER_LAMBDAS] }, optional: true }, ...PGD_AT_LAMBDAS.map((lambda) => ({ method: 'pgd-at', lambda }))],
  paperReference: true,
});

registerExperiment({
  name: 'fmnist-oat-lambdas',
  description: 'OAT trained with the paper’s λ set {0, 0.2, 0.7, 1} (Sec. 4.3, the set it is evaluated at) vs OAT’s own default set {0, 0.1, 0.2, 0.3, 0.4, 1} (run `oat-default`, evaluated at the preset’s λs that are in its set) on fmnist-quick',
  preset: 'fmnist-quick',
  runs: [
    { method: 'oat', methodOptions: { lambdas: [...OAT_PAPER_LAMBDAS] }, optional: true },
    { method: 'oat', methodOptions: { lambdas: [...OAT_DEFAULT_LAMBDAS] }, label: 'oat-default', optional: true },
  ],
});

registerExperiment({
  name: 'fmnist-compress',
  description: 'FLOAT vs FLOATS-i (sparse momentum) vs FLOATS-c (channel pruning) at density d = 0.3 on fmnist-quick: Table 1 (CA/RA at λ = 0 and 1, CR, CRF, sparse storage) and a Fig. 4a weight heat map',
  preset: 'fmnist-quick',
  runs: [{ method: 'float' }, { method: 'floats-i' }, { method: 'floats-c' }],
  compression: {},
});

registerExperiment({
  name: 'fmnist-slim',
  description:
    'FLOAT slim vs FLOATS slim (sparse momentum, d = 0.3) vs OAT slim, each one model trained at channel widths 1 and 0.5 on fmnist-quick: Fig. 8 (CA–RA per λ at SF 1.0 and 0.5), the FLOATS slim row of Table 1 (CR, CRF, potential speed-up) and the measured latency of each exported width-0.5 model against its full width',
  preset: 'fmnist-quick',
  runs: [{ method: 'float-slim' }, { method: 'floats-slim' }, { method: 'oat-slim' }],
});
