/**
 * Which examples of a file a loader keeps, and where each goes in the output, so records can be
 * written straight to their final place while the file streams past.
 */
export class Selection {
  private constructor(
    /** Examples in the file. */
    readonly total: number,
    /** Examples kept. */
    readonly count: number,
    /** Output position of each file example, -1 when dropped; null means "the first `count`, in order". */
    private readonly slots: Int32Array | null,
    /** The highest file index kept (-1 when none), so readers can stop early. */
    readonly last: number,
  ) {}

  /** The first `limit` examples (all when undefined), in file order. */
  static first(total: number, limit?: number): Selection {
    const count = limit === undefined ? total : Math.min(limit, total);
    return new Selection(total, count, null, count - 1);
  }

  /** `indices` in the given order (then the first `limit` of them); `what` names the list in errors. */
  static of(total: number, indices: ArrayLike<number>, what: string, limit?: number): Selection {
    const count = limit === undefined ? indices.length : Math.min(limit, indices.length);
    const slots = new Int32Array(total).fill(-1);
    let last = -1;
    for (let k = 0; k < count; k++) {
      const i = indices[k];
      if (!Number.isInteger(i) || i < 0 || i >= total) throw new Error(`${what}: index ${i} is outside 0..${total - 1}`);
      if (slots[i] >= 0) throw new Error(`${what}: index ${i} appears twice`);
      slots[i] = k;
      last = Math.max(last, i);
    }
    return new Selection(total, count, slots, last);
  }

  /** Output position of file example `i`, or -1 when it is not kept. */
  slot(i: number): number {
    if (this.slots) return this.slots[i];
    return i < this.count ? i : -1;
  }
}

/** Throws unless `limit` is undefined or a non-negative integer. */
export function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw new Error(`limit must be a non-negative integer, got ${limit}`);
  }
}
