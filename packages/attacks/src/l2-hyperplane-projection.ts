import { planeSide, type HyperplaneProjection } from './linf-hyperplane-projection';

/**
 * The smallest ℓ2 step d with ⟨w, t + d⟩ = b and t + d ∈ [0, 1]ⁿ: FAB-ℓ2's projection onto the linearized
 * decision boundary, box-constrained (Croce & Hein 2020). `norm` is ‖d‖₂.
 *
 * By the KKT conditions of min ½‖d‖² subject to the plane and the box, dᵢ = sign(wᵢ)·direction·min(μ·|wᵢ|, roomᵢ)
 * for one μ ≥ 0, where roomᵢ is how far coordinate i can go in the helpful direction before leaving [0, 1].
 * The gain g(μ) = Σᵢ |wᵢ|·min(μ|wᵢ|, roomᵢ) is piecewise linear and increasing with breakpoints roomᵢ/|wᵢ|;
 * they are sorted and walked to the segment where g(μ*) = |⟨w, t⟩ − b|, O(n log n). If even saturating every
 * coordinate falls short, the problem is infeasible and d moves every coordinate to its bound.
 */
export function projectL2HyperplaneBox(
  t: ArrayLike<number>,
  w: ArrayLike<number>,
  b: number,
  out: Float64Array = new Float64Array(t.length),
): HyperplaneProjection {
  const n = t.length;
  out.fill(0, 0, n);
  const side = planeSide(t, w, b);
  if (!side) return { d: out, norm: 0, feasible: true };
  const { direction, need, room } = side;

  const movable: number[] = [];
  let maxGain = 0;
  let slope = 0;
  for (let i = 0; i < n; i++) {
    if (w[i] === 0 || room(i) <= 0) continue;
    movable.push(i);
    maxGain += Math.abs(w[i]) * room(i);
    slope += w[i] * w[i];
  }
  const feasible = maxGain >= need;
  let mu = Number.POSITIVE_INFINITY;
  if (feasible) {
    movable.sort((i, j) => room(i) / Math.abs(w[i]) - room(j) / Math.abs(w[j]));
    let saturated = 0;
    for (const i of movable) {
      const breakpoint = room(i) / Math.abs(w[i]);
      if (saturated + breakpoint * slope >= need) break;
      saturated += Math.abs(w[i]) * room(i);
      slope -= w[i] * w[i];
    }
    // Rounding can leave no free coordinate although the total gain suffices: then all saturate.
    mu = slope > 0 ? (need - saturated) / slope : Number.POSITIVE_INFINITY;
  }
  let squared = 0;
  for (const i of movable) {
    const size = Math.min(mu * Math.abs(w[i]), room(i));
    out[i] = (w[i] > 0 ? 1 : -1) * direction * size;
    squared += size * size;
  }
  return { d: out, norm: Math.sqrt(squared), feasible };
}
