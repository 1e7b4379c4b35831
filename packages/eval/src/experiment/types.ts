import type { ConvInit } from '@floatjs/engine';
import type { BackendRecord } from '../report/backend-record';
import type { Compression, DelayConstants, DelayKind, ParamBreakdown, RatioStats } from '../cost';
import type { EvalReport, EvalRow } from '../commands/evaluate';
import type { Provenance } from '../report/provenance';
import type { NarrowLatency } from '../commands/export-narrow';

/** One trained and evaluated model of an experiment. */
export interface ExperimentMethodResult {
  /** The method name (`float`, `oat`, `pgd-at`, ...). */
  method: string;
  /** The run's label, e.g. `pgd-at-0.2`; the same for every seed of the run. */
  label: string;
  /** The seed this model was trained and evaluated with. */
  seed: number;
  /** The method options its recipe records (OAT: its λ set). */
  methodOptions: Record<string, unknown>;
  /** pgd-at: the λ it was trained with; null for λ-conditioned methods. */
  trainLambda: number | null;
  /** Relative to the experiment directory: `<label>` (`--seed`) or `seed-<n>/<label>` (`--seeds`). */
  dir: string;
  params: ParamBreakdown;
  /** Mean wall time of one training epoch, s. */
  secondsPerEpoch: number;
  epochSeconds: number[];
  trainSeconds: number;
  /** Median wall time of one inference forward of a batch (`latency.batch` images) at λ = 1, ms. */
  latencyMs: number;
  /** Per evaluated condition at λ ∈ {0, 1} (λ_th = 0); slimmable models at every width. */
  latency: { batch: number; byLambda: Array<{ lambda: number | null; width: number; medianMs: number; minMs: number; maxMs: number }> };
  /** FLOPs per forward of one image (= MACs, the paper's convention). */
  flops: number;
  macs: number;
  /** Trainable parameters at 8 bits each, bytes. */
  storageBytes: number;
  /** As Fig. 7(b): without norm γ/β and scalar factors (α), bytes. */
  storageBytesFig7b: number;
  /** The delay equation of this model's plugins and its summed conv-layer delay (Eqs. 7-9), ns. */
  delayKind: DelayKind;
  delayNs: number;
  /** Density, CR, CRF and sparse8 storage measured from the stored weights (Table 1). */
  compression: Compression | null;
  attack: EvalReport['attack'];
  testImages: number;
  /** As in `float eval`. */
  rows: EvalRow[];
  /** Slimmable methods: the exported width-w sub-network and its costs; null otherwise. */
  slim: SlimResult | null;
}

/** One width of a slimmable model as Table 1 reports it, relative to the dense full-width conv kernels. */
export interface SlimTable1Row {
  width: number;
  /** Nonzero conv weights of this width's kernels over the weights of the full-width kernels. */
  density: number;
  /** CR = 1 / density. */
  cr: number;
  /** Conv input channels present at this width (nonzero) over those of the full width, %; CRF = 100 / that. */
  channelPercent: number;
  crf: number;
}

/** A slimmable run's width-w sub-network, exported as a physically smaller model by `exportNarrow`. */
export interface SlimResult {
  widths: number[];
  narrow: {
    width: number;
    /** The exported checkpoint, relative to the experiment directory (`<run>/narrow-0.5`). */
    dir: string;
    /** The base method it is a checkpoint of, and its architecture (`cnn-s-w0_5`). */
    method: string;
    architecture: string;
    params: ParamBreakdown;
    flops: number;
    macs: number;
    storageBytes: number;
    compression: Compression | null;
    /** max |narrow − wide at width w| / max |wide at width w| of the logits, over the noise-free settings. */
    parityMaxRelErr: number;
  };
  /** FLOPs of the full width over FLOPs of the exported model: the potential speed-up. */
  potentialSpeedup: number;
  /** Table 1 at every trained width (full width first). */
  table1: SlimTable1Row[];
  /** Measured latency of the wide model at width 1 and at width w and of the exported model, per λ. */
  latency: NarrowLatency[];
}

/** One method across its models (PGD-AT needs one model per λ; its costs add up). */
export interface ExperimentFamily {
  method: string;
  models: string[];
  /** Per-epoch training time summed over the family's models, s (Fig. 7a); the mean across seeds. */
  secondsPerEpoch: number;
  /** Std across seeds of `secondsPerEpoch` (0 for one seed). */
  secondsPerEpochStd: number;
  /** How many seeds the timings are over. */
  seeds: number;
  /** `secondsPerEpoch` divided by FLOAT's. */
  trainTimeVsFloat: number | null;
  /** Trainable parameters of one model. */
  paramsPerModel: number;
  /** One model's trainable parameters relative to one FLOAT model's. */
  paramsVsFloat: number | null;
  storageBytesPerModel: number;
  storageBytesAllModels: number;
  storageBytesFig7bPerModel: number;
  delayNs: number;
  /** Median over the family's models of their latencyMs; the mean of that across seeds. */
  latencyMs: number;
  latencyMsStd: number;
}

/** Mean ± sample std (n − 1) of one figure across seeds, and the per-seed values it is made of. */
export interface Stat {
  mean: number;
  std: number;
  n: number;
  values: number[];
}

/** One evaluated condition of a run, its CA and RA across seeds (each seed's value: its mean over draws). */
export interface SeedRow {
  lambda: number | null;
  lambdaTh: number | null;
  width: number;
  norm: string;
  lambdaN: number;
  randomized: boolean;
  eot: number;
  ca: Stat;
  ra: Stat;
}

/** One run of an experiment across every seed it was trained with. */
export interface SeedAggregate {
  label: string;
  method: string;
  trainLambda: number | null;
  seeds: number[];
  rows: SeedRow[];
  secondsPerEpoch: Stat;
  trainSeconds: Stat;
  latencyMs: Stat;
  compression: { density: Stat; cr: Stat; channelPercent: Stat; crf: Stat; modelSparse8Bytes: Stat } | null;
}

export interface DelaySummary {
  architecture: string;
  input: { height: number; width: number; channels: number; numClasses: number };
  constants: DelayConstants;
  totalNs: Record<DelayKind, number>;
  normalized: Record<DelayKind, RatioStats>;
  /** Per filmed conv layer, OAT's delay over FLOAT's (Eq. 9 / Eq. 8). */
  oatOverFloat: RatioStats;
  convLayers: number;
}

/** The paper's cost figures recomputed for CIFAR ResNet-34 (Sec. 5, Fig. 7). */
export interface PaperReference {
  architecture: 'resnet34';
  /** Plain single-BN ResNet-34 (PGD-AT), trainable parameters. Paper: ~21.28 M. */
  plainParams: number;
  /** FLOAT: plain + dual BN + one α per conv. */
  floatParams: number;
  /** OAT: plain + FiLM after every non-shortcut BN, with a raw-λ input (OAT's code default, its "31.40 M"). */
  oatParamsRawLambda: number;
  /** OAT with the 128-d λ encoding OAT trains with (and dual BN). */
  oatParams128: number;
  /** FLOPs per image (= MACs). Paper: ~1.165 G; OAT's code docstring: 1.1635 G. */
  flops: number;
  delay: DelaySummary;
}

export interface ExperimentReport {
  format: 'floatjs-experiment';
  /** 2: `seeds`, `acrossSeeds`, and `seed`/`methodOptions` per method (a one-seed report is otherwise as in 1). */
  version: 2;
  experiment: string;
  description: string;
  preset: string;
  dataset: string;
  architecture: string;
  backend: BackendRecord;
  /** The first of `seeds`. */
  seed: number;
  /** Every seed trained; `methods` holds one entry per (seed, run), seed by seed. */
  seeds: number[];
  /** `--seeds` writes `seed-<n>/<label>/`; `--seed` (one seed) `<label>/`. */
  layout: 'per-seed' | 'flat';
  /** The conv init of every run (`recipe.init`; reports made before it existed: he-normal). */
  init: ConvInit;
  epochs: number;
  createdAt: string;
  seconds: number;
  /** Versions, git commit, date, command line (each run's weights sha256 is in its summary.json and eval.json). */
  provenance?: Provenance;
  methods: ExperimentMethodResult[];
  /** Per run label: CA/RA per condition and the timings as mean ± std across seeds. */
  acrossSeeds: SeedAggregate[];
  /** Timings: mean ± std across seeds. */
  families: ExperimentFamily[];
  delayModel: DelaySummary;
  paperReference: PaperReference | null;
  /** Compression experiments: |W| of one conv layer per model (Fig. 4a). */
  heatmap: Heatmap | null;
  /** Skipped runs and other facts a reader must know. */
  notes: string[];
  /** Plot files written beside the report. */
  plots: string[];
}

/** One conv layer's |W| per model, summed over the kernel taps: rows = output channels, columns = input channels. */
export interface Heatmap {
  layer: string;
  shape: number[];
  rows: number;
  cols: number;
  models: Array<{ label: string; channelDensity: number; density: number; values: number[] }>;
}
