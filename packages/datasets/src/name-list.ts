const MAX_NAME_LIST_BYTES = 1 << 16;

/** Class names from a text file with one name per line (blank lines ignored), which must hold `expected` names. */
export async function readNameList(
  member: { source: string; bytes(maxBytes: number): Promise<Uint8Array> },
  expected: number,
): Promise<string[]> {
  const text = new TextDecoder().decode(await member.bytes(MAX_NAME_LIST_BYTES));
  const names = text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length !== expected) {
    throw new Error(`${member.source}: expected ${expected} class names, one per line, found ${names.length}`);
  }
  return names;
}
