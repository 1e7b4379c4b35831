export type ScheduleName = 'cosine' | 'constant';

/** Learning rate at `step` of `totalSteps`; cosine annealing to zero, stepped per batch. */
export function learningRate(schedule: ScheduleName, baseLr: number, step: number, totalSteps: number): number {
  if (schedule === 'constant') return baseLr;
  const t = Math.min(Math.max(step / Math.max(totalSteps, 1), 0), 1);
  return 0.5 * baseLr * (1 + Math.cos(Math.PI * t));
}
