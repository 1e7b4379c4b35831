export type HyperplaneProjection = {
  /** The step d, written into the caller's buffer. */
  d: Float64Array;
  /** ‖d‖∞. */
  norm: number;
  /** Whether the box [0, 1]ⁿ meets the hyperplane; if not, d goes as far toward it as the box allows. */
  feasible: boolean;
};

/**
 * The smallest ℓ∞ step d with ⟨w, t + d⟩ = b and t + d ∈ [0, 1]ⁿ: FAB's projection onto the linearized
 * decision boundary, box-constrained (Croce & Hein 2020).
 *
 * With radius λ, the most ⟨w, ·⟩ can move toward b is g(λ) = Σᵢ |wᵢ|·min(λ, roomᵢ), where roomᵢ is how
 * far coordinate i can go in the helpful direction before leaving [0, 1]; g is piecewise linear, concave
 * and increasing, and d moves each coordinate by min(λ*, roomᵢ) with g(λ*) = |⟨w, t⟩ − b|. λ* is found
 * by a quickselect-style search over the breakpoints roomᵢ: expected O(n), no sort.
 *
 * If even λ = max roomᵢ falls short, the problem is infeasible and d moves every coordinate to its bound.
 */
export function projectLinfHyperplaneBox(
  t: ArrayLike<number>,
  w: ArrayLike<number>,
  b: number,
  out: Float64Array = new Float64Array(t.length),
  work: Int32Array = new Int32Array(t.length),
): HyperplaneProjection {
  const n = t.length;
  out.fill(0, 0, n);
  const side = planeSide(t, w, b);
  if (!side) return { d: out, norm: 0, feasible: true };
  const { direction, need, room } = side;
  let count = 0;
  let maxGain = 0;
  let maxRoom = 0;
  for (let i = 0; i < n; i++) {
    if (w[i] === 0) continue;
    const r = room(i);
    if (r <= 0) continue;
    work[count++] = i;
    maxGain += Math.abs(w[i]) * r;
    maxRoom = Math.max(maxRoom, r);
  }

  let lambda = maxRoom;
  const feasible = maxGain >= need;
  if (feasible) lambda = solveRadius(w, room, work, count, need, maxRoom);

  let norm = 0;
  for (let i = 0; i < n; i++) {
    if (w[i] === 0) continue;
    const r = room(i);
    if (r <= 0) continue;
    const size = Math.min(lambda, r);
    out[i] = (w[i] > 0 ? 1 : -1) * direction * size;
    norm = Math.max(norm, size);
  }
  return { d: out, norm, feasible };
}

/**
 * λ with g(λ) = need. Candidates in work[0, count) are split around a pivot breakpoint p: if g(p) ≥ need,
 * λ ≤ p and every item with room ≥ p is saturated-free (contributes λ·|wᵢ|); else λ > p and every item
 * with room ≤ p is saturated (contributes roomᵢ·|wᵢ|). Each round removes the pivot, so it terminates.
 */
function solveRadius(
  w: ArrayLike<number>,
  room: (i: number) => number,
  work: Int32Array,
  count: number,
  need: number,
  maxRoom: number,
): number {
  let saturatedGain = 0;
  let freeSlope = 0;
  let end = count;
  while (end > 0) {
    const pivot = medianOfThree(room(work[0]), room(work[end >> 1]), room(work[end - 1]));
    let below = 0;
    let atOrAboveSlope = 0;
    for (let k = 0; k < end; k++) {
      const i = work[k];
      const r = room(i);
      if (r < pivot) below += Math.abs(w[i]) * r;
      else atOrAboveSlope += Math.abs(w[i]);
    }
    const gainAtPivot = saturatedGain + below + pivot * (freeSlope + atOrAboveSlope);
    let write = 0;
    if (gainAtPivot >= need) {
      // λ ≤ pivot: keep the items with room < pivot, the rest are free.
      for (let k = 0; k < end; k++) {
        const i = work[k];
        if (room(i) < pivot) work[write++] = i;
        else freeSlope += Math.abs(w[i]);
      }
    } else {
      // λ > pivot: keep the items with room > pivot, the rest are saturated.
      for (let k = 0; k < end; k++) {
        const i = work[k];
        const r = room(i);
        if (r > pivot) work[write++] = i;
        else saturatedGain += Math.abs(w[i]) * r;
      }
    }
    end = write;
  }
  // Rounding can leave no free item although the total gain suffices; the full radius is then the answer.
  return freeSlope > 0 ? Math.min((need - saturatedGain) / freeSlope, maxRoom) : maxRoom;
}

function medianOfThree(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}

/**
 * Where t lies relative to the plane ⟨w, ·⟩ = b: null on it; else the direction ⟨w, ·⟩ must move (down when
 * above b, up when below; coordinate i moves by sign(wᵢ)·direction), how far (need), and how far coordinate i
 * can go that way before leaving [0, 1] (room).
 */
export function planeSide(t: ArrayLike<number>, w: ArrayLike<number>, b: number): { direction: number; need: number; room: (i: number) => number } | null {
  let dot = 0;
  for (let i = 0; i < t.length; i++) dot += w[i] * t[i];
  const gap = dot - b;
  if (gap === 0) return null;
  const direction = gap > 0 ? -1 : 1;
  return { direction, need: Math.abs(gap), room: (i: number) => (w[i] * direction > 0 ? 1 - t[i] : t[i]) };
}
