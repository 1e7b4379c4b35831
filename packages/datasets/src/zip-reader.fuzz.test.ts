import { describe, expect, it } from 'vitest';
import { createRng } from './rng';
import { zipFromSource } from './zip-reader';
import { memorySource, type ByteSource } from './zip-source';
import { writeZip, type ZipWriterEntry } from './test-utils/zip-writer';

const pattern = (n: number, salt: number) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + salt * 101 + (i >> 4)) & 255);
const ENTRIES: ZipWriterEntry[] = [
  { name: 'd/' },
  { name: 'd/stored.bin', data: pattern(700, 1), method: 'store' },
  { name: 'd/deflated.bin', data: pattern(3000, 2), method: 'deflate' },
  { name: 'd/text.txt', data: new TextEncoder().encode('fuzz '.repeat(200)), method: 'deflate' },
];
const ORIGINAL = new Map(ENTRIES.map((e) => [e.name, e.data ?? new Uint8Array(0)]));
const MAX_ENTRY_BYTES = 1 << 20;

/** Records every read the reader asks for, to show that no claimed size is trusted beyond the file. */
function recording(bytes: Uint8Array): { src: ByteSource; largest: () => number } {
  const inner = memorySource(bytes, 'fuzz.zip');
  let largest = 0;
  return {
    src: { ...inner, read: (pos, len) => ((largest = Math.max(largest, len)), inner.read(pos, len)) },
    largest: () => largest,
  };
}

describe('zip reader fuzz', () => {
  it('truncations, bit flips and lying size/count fields fail cleanly, never over-allocate or hang', () => {
    const rng = createRng(20240607);
    const archives = [writeZip(ENTRIES), writeZip(ENTRIES, { zip64: true })];
    const cases = 12_000;
    let rejected = 0;
    let intact = 0;
    const t0 = performance.now();
    for (let c = 0; c < cases; c++) {
      const base = archives[c % 2];
      let bad = Uint8Array.from(base);
      const kind = rng.nextInt(4);
      if (kind === 0) bad = bad.subarray(0, rng.nextInt(bad.length));
      else if (kind === 1) for (let k = 1 + rng.nextInt(4); k > 0; k--) bad[rng.nextInt(bad.length)] ^= 1 << rng.nextInt(8);
      else if (kind === 2) {
        // A random 32-bit field somewhere in the directory/end records: sizes, offsets, counts.
        const tail = bad.length - 400;
        new DataView(bad.buffer).setUint32(tail + rng.nextInt(396), rng.nextInt(2) ? 0xffffffff - rng.nextInt(16) : rng.nextUint32(), true);
      } else new DataView(bad.buffer).setUint16(bad.length - 22 + 8 + 2 * rng.nextInt(2), rng.nextInt(0x10000), true);
      const { src, largest } = recording(bad);
      try {
        const zip = zipFromSource(src, { maxEntryBytes: MAX_ENTRY_BYTES });
        for (const e of zip.entries) {
          const data = zip.read(e);
          // Whatever is accepted must be exactly what was written.
          const want = ORIGINAL.get(e.name);
          expect(want !== undefined && Buffer.compare(want, data) === 0, `entry "${e.name}" changed`).toBe(true);
        }
        intact++;
      } catch (err) {
        expect((err as Error).message.startsWith('fuzz.zip: ')).toBe(true);
        rejected++;
      }
      expect(largest()).toBeLessThanOrEqual(bad.length);
    }
    const ms = performance.now() - t0;
    console.info(`zip fuzz: ${cases} cases, ${rejected} rejected, ${intact} read intact, ${ms.toFixed(0)} ms`);
    expect(rejected + intact).toBe(cases);
    expect(rejected).toBeGreaterThan(cases / 2);
    expect(ms).toBeLessThan(20_000);
  });
});
