import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * What every publishable package must carry so that a single-package publish is right: the licence it claims,
 * public access for a scoped name, a build before packing (never a stale dist/), README links that exist inside
 * the tarball, and peer ranges on the engine that a patch or minor engine release stays inside (a peer range a
 * release leaves makes changesets major-bump every dependent).
 */
const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');
const packagesDir = join(repo, 'packages');
interface Manifest {
  version: string;
  private?: boolean;
  license?: string;
  files?: string[];
  publishConfig?: { access?: string };
  scripts?: Record<string, string>;
  exports: Record<string, unknown>;
  peerDependencies?: Record<string, string>;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}
const read = (d: string) => JSON.parse(readFileSync(join(packagesDir, d, 'package.json'), 'utf8')) as Manifest;
// The published packages: a private one (the test-only packages/integration) is never packed or published.
const names = readdirSync(packagesDir).filter((d) => existsSync(join(packagesDir, d, 'package.json')) && !read(d).private);
const engineVersion = read('engine').version;

/** `>=A <B` (the only peer range form used here) as a predicate over x.y.z versions. */
function inRange(range: string, version: string): boolean {
  const m = /^>=(\d+)\.(\d+)\.(\d+) <(\d+)\.(\d+)\.(\d+)$/.exec(range);
  if (!m) throw new Error(`peer range "${range}" is not of the form ">=a.b.c <x.y.z"`);
  const v = version.split('.').map(Number);
  const cmp = (a: number[], b: number[]) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
  const lo = m.slice(1, 4).map(Number);
  const hi = m.slice(4, 7).map(Number);
  return cmp(v, lo) >= 0 && cmp(v, hi) < 0;
}

describe('package manifests', () => {
  it('finds the workspace packages', () => expect(names.length).toBeGreaterThanOrEqual(9));

  for (const d of names) {
    describe(d, () => {
      const p = read(d);
      it('ships the MIT licence it declares', () => {
        expect(p.license).toBe('MIT');
        expect(readFileSync(join(packagesDir, d, 'LICENSE'), 'utf8')).toBe(readFileSync(join(repo, 'LICENSE'), 'utf8'));
        expect(p.files).toContain('LICENSE');
      });
      it('publishes with public access and builds before packing', () => {
        expect(p.publishConfig?.access).toBe('public');
        expect(p.scripts?.prepack).toMatch(/build/);
      });
      it("never installs TensorFlow's native backend (an opt-in: its install downloads libtensorflow)", () => {
        for (const deps of [p.dependencies, p.optionalDependencies, p.peerDependencies]) {
          expect(Object.keys(deps ?? {}).filter((n) => n.startsWith('@tensorflow/tfjs-node'))).toEqual([]);
        }
      });
      it('lists types first in every export condition', () => {
        for (const entry of Object.values(p.exports)) {
          if (typeof entry !== 'object' || entry === null) continue;
          for (const cond of Object.values(entry as Record<string, unknown>)) {
            if (typeof cond === 'object' && cond !== null) expect(Object.keys(cond)[0]).toBe('types');
          }
        }
      });
      it('has no README link outside the package', () => {
        const readme = readFileSync(join(packagesDir, d, 'README.md'), 'utf8');
        const relative = [...readme.matchAll(/\]\(([^)#]+)\)/g)].map((x) => x[1]!).filter((l) => !/^[a-z]+:/i.test(l));
        for (const link of relative) {
          expect(link.startsWith('..'), `${d}/README.md links ${link}`).toBe(false);
          expect(existsSync(join(packagesDir, d, link)), `${d}/README.md links ${link}`).toBe(true);
        }
      });
      const peer = p.peerDependencies?.['@floatjs/engine'];
      if (peer) {
        it('keeps a patch or minor engine release inside its peer range', () => {
          const [maj, min, pat] = engineVersion.split('.').map(Number) as [number, number, number];
          expect(inRange(peer, engineVersion)).toBe(true);
          expect(inRange(peer, `${maj}.${min}.${pat + 1}`)).toBe(true);
          expect(inRange(peer, `${maj}.${min + 1}.0`)).toBe(true);
        });
      }
    });
  }
});
