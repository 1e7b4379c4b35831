import type { Provenance } from '../../report/provenance';
import type { ExperimentReport, Stat } from '../types';
import type { Verdict } from './verdicts';

/** One point of a figure: x and y as mean ± std across seeds (a fixed x has std 0), and its label (e.g. `λ = 0.2`). */
export interface FigurePoint {
  x: Stat;
  y: Stat;
  label: string;
}

/** A figure of the paper as measured here: series of points, joined in order. Made from the JSON alone. */
export interface FigureData {
  /** `fig-2b`, `fig-9a`, …: the plot's file name. */
  id: string;
  /** The paper's figure, e.g. "Fig. 2(b)". */
  figure: string;
  title: string;
  subtitle: string[];
  xTitle: string;
  yTitle: string;
  /** Log x axis (PGD steps). */
  xLog?: boolean;
  series: Array<{ name: string; points: FigurePoint[] }>;
}

/** The file a figure experiment writes beside its report.json: the figures and the extra measurements behind them. */
export interface FigureReport {
  format: 'floatjs-figure';
  version: 1;
  experiment: string;
  figures: FigureData[];
  /** Extra evaluations (FGSM, AutoAttack, the checklist) per run and seed, with whether each was reused. */
  extra: ExtraMeasurement[];
  plots: string[];
}

export interface ExtraMeasurement {
  kind: 'eval' | 'check';
  /** e.g. `fgsm`, `autoattack-rand`, `check λ=1`. */
  name: string;
  label: string;
  seed: number;
  /** Relative to the runs directory. */
  file: string;
  reused: boolean;
  seconds: number;
}

export interface PaperClaim {
  id: string;
  /** The claim, in the paper's words where possible. */
  claim: string;
  /** Where the paper makes it, and its figure there. */
  source: string;
  paper: string;
  /** What was measured here, with its spread across seeds. */
  measured: string;
  verdict: Verdict;
  reason: string;
  /** The experiment(s) the measurement comes from. */
  experiments: string[];
  /** The plots of the measured figure, if any. */
  plots: string[];
}

export interface PaperPart {
  experiment: string;
  /** Runs reused (trained before, same recipe) and trained now, over every seed. */
  reusedRuns: number;
  trainedRuns: number;
  reusedEvals: number;
  seconds: number;
  dir: string;
}

export interface PaperReport {
  format: 'floatjs-paper-report';
  version: 1;
  preset: string;
  dataset: string;
  architecture: string;
  seeds: number[];
  epochs: number;
  trainLimit: number | null;
  testImages: number;
  /** The scale in words (reduced flags are named). */
  scale: string;
  createdAt: string;
  seconds: number;
  provenance: Provenance;
  /** The verdict rules, as applied (verdicts.ts). */
  rules: string[];
  parts: PaperPart[];
  claims: PaperClaim[];
  figures: FigureData[];
  notes: string[];
  plots: string[];
}

export type Reports = Partial<Record<string, ExperimentReport>>;
export type Figures = Partial<Record<string, FigureReport>>;
