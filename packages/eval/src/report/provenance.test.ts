import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { provenance, sha256File } from './provenance';

describe('provenance', () => {
  it('records versions, the checkout commit, the date, the seed, the command line and the weights hash', () => {
    const p = provenance({ seed: 7, weightsSha256: 'ab'.repeat(32) });
    expect(p.packages['@floatjs/eval']).toMatch(/^\d+\.\d+\.\d+/);
    expect(p.packages['@floatjs/engine']).toMatch(/^\d+\.\d+\.\d+/);
    expect(p.tfjsCore).toMatch(/^4\./);
    expect(p.node).toBe(process.version);
    expect(Date.now() - Date.parse(p.date)).toBeLessThan(60_000);
    expect(p.seed).toBe(7);
    expect(p.argv).toEqual(process.argv.slice(1));
    expect(p.weightsSha256).toBe('ab'.repeat(32));
    // These tests run inside the repository's checkout, so the commit is HEAD's.
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    expect(p.git?.commit).toBe(head);
    expect(typeof p.git?.dirty).toBe('boolean');
  });

  it('hashes a file as sha256sum does', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'floatjs-prov-')), 'w.bin');
    writeFileSync(f, 'abc');
    expect(sha256File(f)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
