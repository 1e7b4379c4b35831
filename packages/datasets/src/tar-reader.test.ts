import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ByteReader } from './byte-reader';
import { decompressChunks } from './decompress-chunks';
import { readTar, type TarEntry } from './tar-reader';
import { chunked } from './test-utils/chunked';
import { concat, setTarChecksum, tarBytes, tarHeader, type TarInput } from './test-utils/tar-write';

const bytes = (n: number, salt: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + salt) & 255);

async function readAll(archive: Uint8Array, chunk = 1000): Promise<{ name: string; type: string; data: Uint8Array }[]> {
  const out = [];
  for await (const e of readTar(new ByteReader(chunked(archive, chunk), 'a.tar'))) {
    out.push({ name: e.name, type: e.type, data: await e.bytes(1 << 20) });
  }
  return out;
}

describe('readTar', () => {
  const entries: TarInput[] = [
    { name: 'top/', type: '5' },
    { name: 'top/a.bin', data: bytes(1000, 1) },
    { name: 'top/empty.txt', data: new Uint8Array(0) },
    { name: 'top/exact.bin', data: bytes(1024, 2) },
  ];

  it('yields members in order with exact bytes, whatever the chunk size', async () => {
    for (const chunk of [1, 7, 512, 513, 4096, 1 << 20]) {
      const got = await readAll(tarBytes(entries), chunk);
      expect(got.map((g) => [g.name, g.type])).toEqual([
        ['top/', 'directory'],
        ['top/a.bin', 'file'],
        ['top/empty.txt', 'file'],
        ['top/exact.bin', 'file'],
      ]);
      expect(got[1].data).toEqual(bytes(1000, 1));
      expect(got[2].data.length).toBe(0);
      expect(got[3].data).toEqual(bytes(1024, 2));
    }
  });

  it('skips members the consumer does not read', async () => {
    const names: string[] = [];
    let last: Uint8Array | undefined;
    for await (const e of readTar(new ByteReader(chunked(tarBytes(entries), 100), 'a.tar'))) {
      names.push(e.name);
      if (e.name === 'top/exact.bin') last = await e.bytes(2000);
    }
    expect(names).toHaveLength(4);
    expect(last).toEqual(bytes(1024, 2));
  });

  it('skips the rest of a partly read member', async () => {
    const it = readTar(new ByteReader(chunked(tarBytes(entries), 100), 'a.tar'));
    await it.next();
    const a = (await it.next()).value as TarEntry;
    const first = await a.chunks().next();
    // The body starts at byte 1024, mid-way through a 100-byte input chunk.
    expect(first.value).toEqual(bytes(1000, 1).subarray(0, 76));
    await it.next();
    const exact = (await it.next()).value as TarEntry;
    expect(await exact.bytes(5000)).toEqual(bytes(1024, 2));
    await expect(exact.bytes(5000)).rejects.toThrow('a.tar: member top/exact.bin can be read only once');
  });

  it('refuses to read a member after moving past it', async () => {
    const it = readTar(new ByteReader(chunked(tarBytes(entries), 100), 'a.tar'));
    await it.next();
    const a = (await it.next()).value as TarEntry;
    await it.next();
    await expect(a.bytes(5000)).rejects.toThrow('a.tar: member top/a.bin was read after the archive moved past it');
  });

  for (const style of ['gnu', 'pax', 'prefix'] as const) {
    it(`reads long names (${style})`, async () => {
      const long = `${'d'.repeat(60)}/${'e'.repeat(70)}/${'f'.repeat(80)}.bin`;
      const got = await readAll(tarBytes([{ name: long, data: bytes(700, 3), longName: style }, { name: 'short', data: bytes(5, 4) }]));
      expect(got.map((g) => g.name)).toEqual([long, 'short']);
      expect(got[0].data).toEqual(bytes(700, 3));
    });
  }

  it('reads a pax size that overrides the header', async () => {
    const pax = new TextEncoder().encode('12 size=300\n');
    const archive = concat([
      tarHeader('PaxHeader', pax.length, 'x'),
      pax,
      new Uint8Array(512 - pax.length),
      tarHeader('big.bin', 0, '0'),
      bytes(300, 5),
      new Uint8Array(212),
      new Uint8Array(1024),
    ]);
    const got = await readAll(archive);
    expect(got[0]).toMatchObject({ name: 'big.bin' });
    expect(got[0].data).toEqual(bytes(300, 5));
  });

  it('reads GNU base-256 sizes in the header', async () => {
    const h = tarHeader('x.bin', 9 * 8 ** 11);
    // Reading the size must not allocate it: the entry is yielded and the body fails as truncated.
    const it = readTar(new ByteReader(chunked(concat([h, bytes(10, 0)]), 64), 'big.tar'));
    const e = (await it.next()).value as TarEntry;
    expect(e.size).toBe(9 * 8 ** 11);
    await expect(e.bytes(1 << 20)).rejects.toThrow(`big.tar: member x.bin has ${9 * 8 ** 11} bytes, more than the 1048576 expected`);
    await expect((async () => { for await (const _ of e.chunks()) { /* drain */ } })()).rejects.toThrow(
      `big.tar: truncated inside member x.bin: expected ${9 * 8 ** 11} bytes, got 10`,
    );
  });

  it('accepts an archive without end blocks, stops at the first zero block', async () => {
    expect(await readAll(tarBytes(entries, { endBlocks: false }))).toHaveLength(4);
    const trailing = concat([tarBytes(entries), bytes(3000, 9)]);
    expect(await readAll(trailing)).toHaveLength(4);
  });

  it('names the archive and member when the data is truncated', async () => {
    const archive = tarBytes(entries);
    await expect(readAll(archive.subarray(0, 512 * 2 + 100))).rejects.toThrow('a.tar: truncated inside member top/a.bin: expected 1000 bytes, got 100');
    await expect(readAll(archive.subarray(0, 512 + 300))).rejects.toThrow(/^a\.tar: truncated: expected 512 bytes of tar header at byte 512/);
  });

  it('rejects a corrupted header checksum and non-octal fields', async () => {
    const archive = tarBytes(entries);
    const flipped = archive.slice();
    flipped[512 + 3] ^= 0x10;
    await expect(readAll(flipped)).rejects.toThrow(/^a\.tar: bad tar header checksum at byte 512 \(stored \d+, computed \d+\)/);
    const junk = concat([tarHeader('x', 0), new Uint8Array(1024)]);
    junk[124] = 0x39; // '9' in the size field
    setTarChecksum(junk);
    await expect(readAll(junk)).rejects.toThrow(/^a\.tar: size field of the header at byte 0 is not an octal number/);
  });

  it('refuses oversized long-name entries without allocating them', async () => {
    const archive = concat([tarHeader('././@LongLink', 2 ** 33, 'L'), new Uint8Array(1024)]);
    await expect(readAll(archive)).rejects.toThrow('a.tar: tar metadata entry at byte 0 claims 8589934592 bytes (limit 1048576)');
  });

  it('streams through gunzip and reports corrupt gzip with the file name', async () => {
    const gz = gzipSync(tarBytes(entries));
    const read = async (data: Uint8Array) => {
      const names = [];
      for await (const e of readTar(new ByteReader(decompressChunks(chunked(data, 50), 'gzip', 'a.tar.gz'), 'a.tar.gz'))) names.push(e.name);
      return names;
    };
    expect(await read(gz)).toHaveLength(4);
    await expect(read(gz.subarray(0, gz.length - 30))).rejects.toThrow(/^a\.tar\.gz: corrupt or truncated gzip data \(unexpected end of file\)/);
    const bad = gz.slice();
    bad[20] ^= 0xff;
    await expect(read(bad)).rejects.toThrow(/^a\.tar\.gz: (corrupt or truncated gzip data|bad tar header checksum|truncated)/);
  });
});
