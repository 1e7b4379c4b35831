import { expect } from 'vitest';

/**
 * Byte-exact comparison that stays fast on megabyte arrays (toEqual walks them element by element)
 * and reports the first differing index instead of a huge diff.
 */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.length, 'length').toBe(expected.length);
  if (Buffer.compare(Buffer.from(actual.buffer, actual.byteOffset, actual.length), Buffer.from(expected.buffer, expected.byteOffset, expected.length)) === 0) return;
  let i = 0;
  while (actual[i] === expected[i]) i++;
  expect({ index: i, actual: actual[i] }, 'first differing byte').toEqual({ index: i, actual: expected[i] });
}
