import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openTarFile } from './tar-file';
import { useTempDirs } from './test-utils/mnist-like-fixture';
import { concat, tarBytes, tarHeader } from './test-utils/tar-write';

const tempDir = useTempDirs();

async function names(path: string): Promise<string[]> {
  const tar = await openTarFile(path);
  const out: string[] = [];
  try {
    for await (const e of tar.entries) out.push(e.name);
  } finally {
    await tar.close();
  }
  return out;
}

describe('openTarFile', () => {
  it('refuses a FIFO, /dev/zero or a directory by name (instead of blocking, reading zeros as an empty archive, or a bare EISDIR)', async () => {
    const dir = await tempDir();
    for (const kind of ['fifo', 'devzero', 'dir']) {
      const f = join(dir, `${kind}.tar`);
      if (kind === 'fifo') execFileSync('mkfifo', [f]);
      if (kind === 'devzero') await symlink('/dev/zero', f);
      if (kind === 'dir') await mkdir(f);
      await expect(openTarFile(f)).rejects.toThrow(`${f}: not a regular file`);
    }
  });

  it('rejects a member claiming more bytes than the file (or 1032× a gzip file) can hold, at its header', async () => {
    const dir = await tempDir();
    const lying = concat([tarHeader('big.bin', 3_073_000_000), new Uint8Array(1024)]);
    const plain = join(dir, 'a.tar');
    await writeFile(plain, lying);
    await expect(names(plain)).rejects.toThrow(`${plain}: the tar header at byte 0 claims 3073000000 bytes, more than the 1536 this archive can hold`);
    const gz = join(dir, 'a.tar.gz');
    const packed = gzipSync(lying);
    await writeFile(gz, packed);
    await expect(names(gz)).rejects.toThrow(`more than the ${packed.length * 1032} this archive can hold`);
    const fine = join(dir, 'b.tar');
    await writeFile(fine, tarBytes([{ name: 'x.bin', data: new Uint8Array(1000) }]));
    expect(await names(fine)).toEqual(['x.bin']);
  });
});
