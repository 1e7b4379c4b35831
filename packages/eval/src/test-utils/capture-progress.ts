import { vi } from 'vitest';

/** Runs `fn` with stderr captured as JSON progress lines (the non-TTY mode of Progress). */
export async function captureProgress<T>(fn: () => Promise<T>): Promise<{ result: T; lines: Array<Record<string, unknown>> }> {
  let text = '';
  const stream = process.stderr as { isTTY?: boolean };
  const tty = stream.isTTY;
  stream.isTTY = false;
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  });
  try {
    const result = await fn();
    return { result, lines: text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)) };
  } finally {
    spy.mockRestore();
    stream.isTTY = tty;
  }
}
