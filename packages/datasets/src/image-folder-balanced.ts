/**
 * Which examples a `limit` keeps when a split is stored class by class: the first `limit` of the
 * interleaving "1st example of every class, then 2nd of every class, …", returned in stored order.
 * Plain "first `limit`" would keep only the first few classes.
 */
export function balancedSubset(labels: ArrayLike<number>, limit: number): Uint32Array {
  const n = labels.length;
  if (limit >= n) return Uint32Array.from({ length: n }, (_, i) => i);
  const seen = new Map<number, number>();
  const rank = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const r = seen.get(labels[i]) ?? 0;
    rank[i] = r;
    seen.set(labels[i], r + 1);
  }
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => rank[a] - rank[b] || labels[a] - labels[b] || a - b);
  return order.subarray(0, limit).sort();
}
