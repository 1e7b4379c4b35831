/** One model an experiment trains: a method, its options, and the sub-directory it is written to. */
export interface ExperimentRun {
  method: string;
  /** pgd-at: the fixed λ of its loss `(1−λ)·L_C + λ·L_A`. */
  lambda?: number;
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

registerExperiment({
  name: 'fmnist-compare',
  description: 'FLOAT vs OAT vs PGD-AT (one model per λ ∈ {0, 0.2, 0.7, 1}) on fmnist-quick, with the paper’s cost figures',
  preset: 'fmnist-quick',
  runs: [{ method: 'float' }, { method: 'oat', optional: true }, ...PGD_AT_LAMBDAS.map((lambda) => ({ method: 'pgd-at', lambda }))],
  paperReference: true,
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
