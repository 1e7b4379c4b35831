/** Iterations after which p halves (the reference's piecewise schedule; it counts iterations from 0). */
const P_HALVINGS = [10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000];

/**
 * Square's p at iteration `iteration` (0-based): pInit, halved after iterations 10, 50, 200, 500, 1000,
 * 2000, 4000, 6000 and 8000 (so pInit/512 from iteration 8001 on). With `rescaleTo`, the iteration is
 * first mapped to ⌊iteration / rescaleTo · 10000⌋, stretching the schedule over a shorter budget.
 */
export function squarePSchedule(iteration: number, pInit: number, rescaleTo?: number): number {
  const it = rescaleTo === undefined ? iteration : Math.floor((iteration / rescaleTo) * 10_000);
  const halvings = P_HALVINGS.filter((threshold) => it > threshold).length;
  return pInit / 2 ** halvings;
}
