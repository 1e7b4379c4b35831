import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { circles, importGraph, sourceFiles } from '../../../scripts/import-cycles/find-cycles.mjs';

const packages = fileURLToPath(new URL('../../', import.meta.url));

describe('the source import graph of every package', () => {
  it('has no circles (type-only imports included, tests excluded)', () => {
    const files = ['engine', 'attacks', 'datasets', 'conditioning-float', 'conditioning-film', 'pruning', 'slimmable', 'native-kernels', 'eval'].flatMap((p) => sourceFiles(join(packages, p, 'src')));
    expect(files.length).toBeGreaterThan(250);
    expect(circles(importGraph(files))).toEqual([]);
  });
});
