#!/usr/bin/env node
// Non-test TypeScript lines per package: every .ts under packages/*/src except *.test.ts, test-utils/ and
// __snapshots__ (the architecture issue's measure). `node scripts/line-counts/count.mjs [--json]`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = process.env.PACKAGES_DIR ?? new URL('../../packages/', import.meta.url).pathname;
const skip = (name) => name === 'test-utils' || name === '__snapshots__' || name === 'node_modules';

function lines(dir) {
  let n = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) n += skip(name) ? 0 : lines(path);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) n += readFileSync(path, 'utf8').split('\n').length - 1;
  }
  return n;
}

const counts = Object.fromEntries(
  readdirSync(root)
    .filter((p) => statSync(join(root, p, 'src'), { throwIfNoEntry: false })?.isDirectory())
    .map((p) => [p, lines(join(root, p, 'src'))]),
);
if (process.argv.includes('--json')) console.log(JSON.stringify(counts));
else for (const [p, n] of Object.entries(counts)) console.log(`${String(n).padStart(6)}  ${p}`);
