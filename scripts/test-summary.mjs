// Sums the vitest JSON reports of every package into one line, e.g. for CI logs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const pkg of readdirSync('packages')) {
  const file = join('packages', pkg, 'test-results', 'vitest.json');
  if (!existsSync(file)) continue;
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`${pkg}: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
}
console.log(`total: ${passed} passed, ${failed} failed, ${skipped} skipped`);
