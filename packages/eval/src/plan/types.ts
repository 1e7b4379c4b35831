import type { Provenance } from '../report/provenance';
import type { ExpectedRun } from '../experiment/reuse';

/** The stages of an experiment plan, in order; a job needs only jobs of earlier stages. */
export const STAGES = ['train', 'eval', 'merge', 'report'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * How to tell that a job has finished, from its files alone (every executor and every rerun asks this):
 * a training run's complete checkpoint (summary.json of the expected run), or a results file that is newer
 * than the files it was computed from.
 */
export type DoneTest =
  | { kind: 'checkpoint'; dir: string; expect: ExpectedRun }
  | { kind: 'results'; file: string; newerThan: string[] };

/** One job: one training run, one evaluation (shard), one merge or the final report. */
export interface PlanJob {
  /** Unique and stable across rebuilds of the same plan, e.g. `train/pgd-at-0.2`, `eval/float/shard-1-of-2`. */
  id: string;
  stage: Stage;
  /** The exact command line, starting with `float`; paths relative to the plan file's directory. */
  argv: string[];
  /** Trainings: the command that continues an interrupted run (`float train --resume DIR`). */
  resumeArgv?: string[];
  /** The directory the job writes into (relative to the plan file's directory). */
  out: string;
  done: DoneTest;
  /** Ids of the jobs that must have finished first. */
  needs: string[];
}

/** `float experiment NAME --plan FILE`: an experiment as independent jobs with dependencies. */
export interface Plan {
  format: 'floatjs-plan';
  version: 1;
  experiment: string;
  description: string;
  /** The experiment directory, relative to the plan file's directory. */
  out: string;
  /** The experiment flags the plan was made with (as `float experiment` takes them). */
  flags: Record<string, unknown>;
  /** Evaluation shards per run (1: one unsharded `float eval` per run, no merge). */
  evalShards: number;
  /**
   * How to start `float` where the jobs run: replaces the leading `float` of every argv (absolute paths of
   * node and of this CLI, so that a batch job needs no PATH set-up on a shared file system).
   */
  launcher: string[];
  provenance: Provenance;
  jobs: PlanJob[];
}
