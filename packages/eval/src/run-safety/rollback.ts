import { trainLogEvents } from './train-log';

/** What `runTrain` does when training diverges (non-finite loss or weights). */
export type DivergencePolicy = 'stop' | 'rollback';

/** Rollbacks one run may take in all (a resumed run counts those in its log) before it stops. */
export const MAX_ROLLBACKS = 3;

/** One rollback, as logged in train-log.jsonl (`{"event":"rollback",...}`) and listed in summary.json. */
export interface RollbackRecord {
  /** The optimizer step at which the divergence was detected. */
  step: number;
  /** The divergence message (`loss is NaN at epoch 2, step 3`, or the variable that went non-finite). */
  cause: string;
  /** Training went back to the checkpoint written after this many epochs. */
  checkpointEpoch: number;
  /** The learning-rate scale from then on (halved at every rollback). */
  lrScale: number;
}

/** The rollbacks already recorded in a run's log (a resumed run keeps its log). */
export function loggedRollbacks(logPath: string): RollbackRecord[] {
  return trainLogEvents(logPath, 'rollback').map((r) => {
    // A line cut short by a kill mid-append still counts against the limit.
    if (r === null) return { step: -1, cause: 'unreadable log line', checkpointEpoch: -1, lrScale: Number.NaN };
    const { step, cause, checkpointEpoch, lrScale } = r as unknown as RollbackRecord;
    return { step, cause, checkpointEpoch, lrScale };
  });
}

/** Why a divergence ends the run, with where to continue from; appended to the divergence message. */
export function stopReason(policy: DivergencePolicy, out: string, lastGood: number, rollbacks: number, lrScale: number): string {
  if (lastGood === 0) return policy === 'rollback' ? 'no checkpoint was written, so rollback was impossible' : 'no checkpoint was written';
  const where = `the last good checkpoint is ${out} (epoch ${lastGood})`;
  if (policy === 'rollback') return `gave up after ${rollbacks} rollbacks (at most ${MAX_ROLLBACKS}; learning rate scale ${lrScale}); ${where}`;
  return `${where}; continue it at half the learning rate with --resume ${out} --on-divergence rollback`;
}
