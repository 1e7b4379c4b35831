/**
 * Progress for long work: one rewritten status line on a terminal, JSON lines otherwise (CI logs,
 * pipes), always on stderr so stdout stays for results.
 */
export class Progress {
  private readonly tty: boolean;
  private lastDraw = 0;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr, private readonly quiet = false) {
    this.tty = Boolean(stream.isTTY);
  }

  /** Frequent updates: redrawn at most every 200 ms on a TTY; in JSON mode only every `every`-th. */
  tick(event: string, fields: Record<string, unknown>, text: string, every = 10, index = 0): void {
    if (this.quiet) return;
    if (this.tty) {
      const now = Date.now();
      if (now - this.lastDraw < 200) return;
      this.lastDraw = now;
      this.stream.write(`\r\x1b[2K${text}`);
    } else if (index % every === 0) {
      this.stream.write(`${JSON.stringify({ event, ...fields })}\n`);
    }
  }

  /** A milestone: always shown. */
  log(event: string, fields: Record<string, unknown>, text: string): void {
    if (this.quiet) return;
    if (this.tty) this.stream.write(`\r\x1b[2K${text}\n`);
    else this.stream.write(`${JSON.stringify({ event, ...fields })}\n`);
  }
}
