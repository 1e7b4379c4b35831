import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeIdx } from './idx';
import { gunzipIdx } from './idx-gunzip';
import { maybeGunzip } from './gzip';

/** A multi-member gzip: a valid IDX header for 60000×28×28 images, then `members` members of 64 MiB of zeros. */
function bomb(members: number): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x803, 0);
  header.writeUInt32BE(60000, 4);
  header.writeUInt32BE(28, 8);
  header.writeUInt32BE(28, 12);
  const zeros = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
  return Buffer.concat([gzipSync(header), ...Array.from({ length: members }, () => zeros)]);
}

describe('gzip output is bounded', () => {
  it('stops a multi-member bomb at the size the IDX header declares', async () => {
    await expect(gunzipIdx(bomb(2), 'bomb.gz')).rejects.toThrow(/^bomb\.gz: gzip data expands past 47040017 bytes, more than this file can hold/);
    expect(() => maybeGunzip(gzipSync(Buffer.alloc(1000)), 'x.gz', 999)).toThrow(/x\.gz: gzip data expands past 999 bytes/);
  });

  it('refuses a header that declares more than the IDX limit before inflating it', async () => {
    const header = Buffer.alloc(16);
    header.writeUInt32BE(0x803, 0);
    for (const at of [4, 8, 12]) header.writeUInt32BE(4000, at);
    await expect(gunzipIdx(gzipSync(header), 'big.gz')).rejects.toThrow(/big\.gz: IDX header declares 64000000000 bytes of data, more than the 268435456-byte limit/);
  });

  it('still reads a well-formed gzipped IDX file exactly, across members', async () => {
    const raw = Buffer.from(encodeIdx([3, 2, 2], new Uint8Array(12).map((_, i) => i)));
    const twoMembers = Buffer.concat([gzipSync(raw.subarray(0, 10)), gzipSync(raw.subarray(10))]);
    expect(Buffer.from(await gunzipIdx(twoMembers, 'ok.gz')).equals(raw)).toBe(true);
  });

});
