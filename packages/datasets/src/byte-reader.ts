const EMPTY = new Uint8Array(0);

/**
 * Pull-based reads of exact byte counts from a stream of chunks, for parsers of container formats
 * (tar, MAT, fixed-size records). Only the current chunk is held, so memory stays at one chunk plus
 * whatever the caller keeps. Returned arrays are views when a read fits inside one chunk (no copy).
 */
export class ByteReader {
  private readonly iter: AsyncIterator<Uint8Array>;
  private chunk: Uint8Array = EMPTY;
  private pos = 0;
  private ended = false;
  /** Bytes consumed so far. */
  offset = 0;

  constructor(
    source: AsyncIterable<Uint8Array>,
    /** Names the stream in error messages, e.g. the file path. */
    readonly label: string,
  ) {
    this.iter = source[Symbol.asyncIterator]();
  }

  /** True when no bytes are left. */
  async atEnd(): Promise<boolean> {
    return !(await this.fill());
  }

  /** Exactly n bytes, or an error naming `what` when the stream ends first. */
  async read(n: number, what: string): Promise<Uint8Array> {
    if (n === 0) return EMPTY;
    if (!(await this.fill())) throw this.truncated(n, 0, what);
    if (this.chunk.length - this.pos >= n) return this.take(n);
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      if (!(await this.fill())) throw this.truncated(n, got, what);
      const part = this.take(Math.min(n - got, this.chunk.length - this.pos));
      out.set(part, got);
      got += part.length;
    }
    return out;
  }

  /** Between 1 and `max` bytes (a view), or undefined at the end of the stream. */
  async readSome(max: number): Promise<Uint8Array | undefined> {
    if (!(await this.fill())) return undefined;
    return this.take(Math.min(max, this.chunk.length - this.pos));
  }

  /** Skips n bytes; an error naming `what` when the stream ends first. */
  async skip(n: number, what: string): Promise<void> {
    let left = n;
    while (left > 0) {
      if (!(await this.fill())) throw this.truncated(n, n - left, what);
      left -= this.take(Math.min(left, this.chunk.length - this.pos)).length;
    }
  }

  /** Reads everything that is left (e.g. so a hash of the whole stream completes). */
  async drain(): Promise<void> {
    while (await this.fill()) this.take(this.chunk.length - this.pos);
  }

  /** Stops the underlying source early (closes files, ends decompressors). */
  async close(): Promise<void> {
    this.chunk = EMPTY;
    this.pos = 0;
    if (!this.ended) {
      this.ended = true;
      await this.iter.return?.();
    }
  }

  private take(n: number): Uint8Array {
    const out = this.chunk.subarray(this.pos, this.pos + n);
    this.pos += n;
    this.offset += n;
    return out;
  }

  private async fill(): Promise<boolean> {
    while (this.pos >= this.chunk.length) {
      if (this.ended) return false;
      const r = await this.iter.next();
      if (r.done) {
        this.ended = true;
        this.chunk = EMPTY;
        this.pos = 0;
        return false;
      }
      this.chunk = r.value;
      this.pos = 0;
    }
    return true;
  }

  private truncated(wanted: number, got: number, what: string): Error {
    return new Error(
      `${this.label}: truncated: expected ${wanted} bytes of ${what} at byte ${this.offset - got}, but the data ends after ${got}`,
    );
  }
}
