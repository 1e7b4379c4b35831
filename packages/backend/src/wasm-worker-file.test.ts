import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { privateWorkerDir, verifiedWorkerFile } from './wasm-worker-file';

const root = mkdtempSync(join(tmpdir(), 'floatjs-worker-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const SOURCE = 'self.onmessage = () => {}; // the real worker script\n';
const uid = process.getuid!();

describe.skipIf(process.platform === 'win32')('the wasm pthread worker file', () => {
  it('lives in a per-user directory of mode 0700, written once and reused while it verifies', () => {
    const file = verifiedWorkerFile(SOURCE, root);
    const dir = join(root, `floatjs-${uid}`);
    expect(file.startsWith(`${dir}/`)).toBe(true);
    expect(lstatSync(dir).mode & 0o777).toBe(0o700);
    expect(lstatSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(SOURCE);
    const ino = lstatSync(file).ino;
    expect(verifiedWorkerFile(SOURCE, root)).toBe(file);
    expect(lstatSync(file).ino).toBe(ino);
    expect(readdirSync(dir)).toEqual([file.slice(dir.length + 1)]);
  });

  it('replaces a planted file (other content, or a link) before use instead of loading it', () => {
    const file = verifiedWorkerFile(SOURCE, root);
    writeFileSync(file, 'require("child_process").execSync("touch /tmp/pwned"); // planted\n');
    expect(readFileSync(verifiedWorkerFile(SOURCE, root), 'utf8')).toBe(SOURCE);
    rmSync(file);
    const evil = join(root, 'evil.cjs');
    writeFileSync(evil, 'planted');
    symlinkSync(evil, file);
    expect(readFileSync(verifiedWorkerFile(SOURCE, root), 'utf8')).toBe(SOURCE);
    expect(lstatSync(file).isSymbolicLink()).toBe(false);
    expect(readFileSync(evil, 'utf8')).toBe('planted');
  });

  it('refuses a directory others can write to, a link, or one owned by someone else', () => {
    for (const [name, make] of [
      ['open', (d: string) => (mkdirSync(d), chmodSync(d, 0o777))],
      ['link', (d: string) => (mkdirSync(`${d}-target`, { mode: 0o700 }), symlinkSync(`${d}-target`, d))],
      ...(uid === 0 ? [['foreign', (d: string) => (mkdirSync(d, { mode: 0o700 }), chownSync(d, 65534, 65534))] as const] : []),
    ] as const) {
      const r = join(root, name);
      mkdirSync(r);
      make(join(r, `floatjs-${uid}`));
      expect(() => privateWorkerDir(r), name).toThrow(/not a private directory of this user .*refusing to load the wasm worker script/);
    }
  });
});
