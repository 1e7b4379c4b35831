/**
 * APGD's checkpoints (Croce & Hein 2020): the iteration counts after which the step size may be halved.
 * p₀ = 0, p₁ = 0.22, p_{j+1} = p_j + max(p_j − p_{j−1} − 0.03, 0.06), scaled by `nIter` with the integer
 * window sizes of the reference code (first window ⌊0.22·N⌋, shrinking by ⌊0.03·N⌋ down to ⌊0.06·N⌋, each
 * at least 1). For N = 100: [0, 22, 41, 57, 70, 80, 87, 93, 99]. The leading 0 is the start.
 */
export function apgdCheckpoints(nIter: number): number[] {
  if (!(Number.isInteger(nIter) && nIter >= 1)) throw new RangeError(`nIter must be an integer ≥ 1, got ${nIter}`);
  const firstWindow = Math.max(Math.floor(0.22 * nIter), 1);
  const shrink = Math.max(Math.floor(0.03 * nIter), 1);
  const minWindow = Math.max(Math.floor(0.06 * nIter), 1);
  const checkpoints = [0];
  let window = firstWindow;
  let position = firstWindow;
  while (position <= nIter) {
    checkpoints.push(position);
    window = Math.max(window - shrink, minWindow);
    position += window;
  }
  return checkpoints;
}
