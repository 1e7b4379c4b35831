const MAX_FOLD_FILE_BYTES = 1 << 20;
export const STL10_FOLDS = 10;

/**
 * The 10 predefined training folds of `fold_indices.txt`: one line per fold of space-separated,
 * 0-based indices into train_X.bin. Parsed as integers (torchvision once read them as uint8 and
 * wrapped indices over 255, pytorch/vision#3304).
 */
export async function readStl10Folds(member: { source: string; bytes(maxBytes: number): Promise<Uint8Array> }): Promise<number[][]> {
  const text = new TextDecoder().decode(await member.bytes(MAX_FOLD_FILE_BYTES));
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length !== STL10_FOLDS) throw new Error(`${member.source}: expected ${STL10_FOLDS} lines of fold indices, found ${lines.length}`);
  return lines.map((line, f) =>
    line
      .trim()
      .split(/\s+/)
      .map((tok) => {
        if (!/^\d+$/.test(tok)) throw new Error(`${member.source}: fold ${f} has "${tok}", expected non-negative integer indices`);
        return Number(tok);
      }),
  );
}
