import { closeSync, ftruncateSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@floatjs/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRecipe, MAX_RECIPE_BYTES } from './recipe';
import { recipeSchema } from './recipe-schema';
import { trainedRun } from '../test-utils/trained-run';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = Array<string | number>;

let dataDir = '';
let dir = '';
let goodText = '';
let good: Json = null;
beforeAll(async () => {
  ({ dataDir, dir } = await trainedRun());
  goodText = readFileSync(join(dir, 'recipe.json'), 'utf8');
  good = JSON.parse(goodText);
}, 60_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Every path in a JSON value, the value itself (`[]`) included. */
function paths(v: Json, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}

/** A copy of `v` with the value at `path` replaced (`undefined`: removed). */
function replaced(v: Json, path: Path, value: Json | undefined): Json | undefined {
  if (!path.length) return value;
  const copy = structuredClone(v) as Record<string | number, Json>;
  let cur = copy;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, Json>;
  const last = path.at(-1)!;
  if (value === undefined) {
    if (Array.isArray(cur)) cur.splice(last as number, 1);
    else delete cur[last];
  } else cur[last] = value;
  return copy;
}

const nested = (depth: number, open: string, close: string, inner = '1') => open.repeat(depth) + inner + close.repeat(depth);

/** A random JSON value up to `depth` deep. */
function randomJson(rng: Rng, depth = 3): Json {
  switch (rng.nextUint32() % (depth > 0 ? 8 : 6)) {
    case 0: return null;
    case 1: return rng.nextFloat() < 0.5;
    case 2: return Math.floor((rng.nextFloat() - 0.5) * 1000);
    case 3: return (rng.nextFloat() - 0.5) * 10 ** ((rng.nextUint32() % 40) - 20);
    case 4: return '';
    case 5: return String.fromCharCode(...Array.from({ length: rng.nextUint32() % 12 }, () => rng.nextUint32() % 0x3000));
    case 6: return Array.from({ length: rng.nextUint32() % 4 }, () => randomJson(rng, depth - 1));
    default: return Object.fromEntries(Array.from({ length: rng.nextUint32() % 4 }, (_, i) => [`k${i}`, randomJson(rng, depth - 1)]));
  }
}

/** Each mutation class: a name and its cases, as the bytes of a candidate recipe.json. */
function* fuzzCases(rng: Rng): Generator<[string, string | Uint8Array]> {
  const bytes = new TextEncoder().encode(goodText);
  const all = paths(good);
  // Every prefix: each length class from empty to one byte short.
  for (let n = 0; n < bytes.length; n++) yield ['truncation', bytes.subarray(0, n)];
  for (let i = 0; i < 1500; i++) {
    const out = Uint8Array.from(bytes);
    const flips = 1 + (rng.nextUint32() % 8);
    for (let j = 0; j < flips; j++) out[rng.nextUint32() % out.length] ^= 1 << (rng.nextUint32() % 8);
    yield ['bit flips', out];
  }
  for (let i = 0; i < 1000; i++) {
    const at = rng.nextUint32() % (bytes.length + 1);
    const extra = Uint8Array.from({ length: 1 + (rng.nextUint32() % 8) }, () => rng.nextUint32() % 256);
    yield ['byte insertion', Uint8Array.from([...bytes.subarray(0, at), ...extra, ...bytes.subarray(at)])];
  }
  const swaps: Json[] = [0, -1, 1.5, -0, 1e308, 'x', '', '1', null, true, [], [1, 2], {}, { a: 1 }];
  for (const p of all) {
    for (const s of swaps) yield ['type swap', JSON.stringify(replaced(good, p, s))];
    if (p.length) yield ['field removal', JSON.stringify(replaced(good, p, undefined))];
  }
  const numeric = all.filter((p) => typeof p.reduce<Json>((v, k) => (v as Record<string | number, Json>)[k], good) === 'number');
  for (const p of numeric) {
    for (const s of [1e308, -1e308, 2 ** 53 + 2, -(2 ** 31), 5e-324, 1e-300]) yield ['huge number', JSON.stringify(replaced(good, p, s))];
    // Past float64: JSON.parse reads these as ±Infinity.
    const marker = JSON.stringify(replaced(good, p, 'FUZZ-NUMBER'));
    yield ['huge number', marker.replace('"FUZZ-NUMBER"', '1e400')];
    yield ['huge number', marker.replace('"FUZZ-NUMBER"', `-${'9'.repeat(400)}`)];
  }
  for (let i = 0; i < 12; i++) {
    const p = all[rng.nextUint32() % all.length];
    const marker = JSON.stringify(replaced(good, p, 'FUZZ-VALUE'));
    yield ['huge array', marker.replace('"FUZZ-VALUE"', `[${'1,'.repeat(100_000)}1]`)];
    yield ['huge array', marker.replace('"FUZZ-VALUE"', `[${'{"name":"x"},'.repeat(20_000)}{}]`)];
    yield ['deep nesting', marker.replace('"FUZZ-VALUE"', nested(100_000, '[', ']'))];
    yield ['deep nesting', marker.replace('"FUZZ-VALUE"', nested(50_000, '{"a":', '}'))];
    yield ['huge string', marker.replace('"FUZZ-VALUE"', JSON.stringify('s'.repeat(500_000)))];
  }
  for (let i = 0; i < 1000; i++) {
    const p = all[rng.nextUint32() % all.length];
    yield ['random subtree', JSON.stringify(replaced(good, p, randomJson(rng)))];
  }
  const special = [
    '', ' ', '\uFEFF' + goodText, goodText + '\0', goodText.replace('{', '{"__proto__":{"format":"x"},'), goodText.replace('{', '{"constructor":1,"toString":2,'),
    goodText.replace('"format"', '"format":"x","format"'), goodText.replace('"pgd-at"', '"\\ud800"'), goodText.replace('"pgd-at"', '"pgd\\u0000at"'),
    '{}', '[]', 'null', 'true', '0', '"recipe"', nested(400_000, '[', ']'), nested(100_000, '{"a":', '}'),
  ];
  for (const s of special) yield ['special', s];
}

/** What loadRecipe may say about a bad recipe.json: its own words, never a zod default or a stack dump. */
function checkRejection(err: unknown, file: string): void {
  expect(err).toBeInstanceOf(Error);
  expect((err as Error).constructor, (err as Error).stack).toBe(Error);
  const message = (err as Error).message;
  expect(message.startsWith(`${file}: `), message).toBe(true);
  const rest = message.slice(file.length + 2);
  expect(rest, message).toMatch(/^(not valid JSON \(|\d+ bytes, larger than the \d+-byte limit|(field "[^"]*": )?expected .+, found .+)/);
  expect(rest, message).not.toMatch(/Invalid input|Too (small|big)|received/);
  expect(message.length, message.slice(0, 300)).toBeLessThan(600);
}

describe('recipe.json fuzz', () => {
  it('every damaged recipe loads one that passes the schema or throws an Error naming the file, quickly', () => {
    const file = join(dir, 'recipe.json');
    const rng = new Rng(1729);
    const tally = new Map<string, { cases: number; rejected: number }>();
    const t0 = performance.now();
    let loadMs = 0;
    let slowest = 0;
    // Rewritten in place, then cut to length: a file truncated to zero is flushed to disk on every close on ext4
    // (auto_da_alloc), which made each case cost milliseconds.
    const fd = openSync(file, 'r+');
    const write = (content: string | Uint8Array) => {
      const bytes = typeof content === 'string' ? Buffer.from(content) : content;
      writeSync(fd, bytes, 0, bytes.length, 0);
      ftruncateSync(fd, bytes.length);
    };
    for (const [kind, content] of fuzzCases(rng)) {
      write(content);
      const t = tally.get(kind) ?? { cases: 0, rejected: 0 };
      t.cases++;
      tally.set(kind, t);
      // Only loadRecipe is timed: the bound is on our code, not on the harness writing the cases.
      const t1 = performance.now();
      let outcome: { recipe: unknown } | { err: unknown };
      try {
        outcome = { recipe: loadRecipe(dir) };
      } catch (err) {
        outcome = { err };
      }
      const took = performance.now() - t1;
      loadMs += took;
      slowest = Math.max(slowest, took);
      if ('err' in outcome) {
        checkRejection(outcome.err, file);
        t.rejected++;
      } else {
        expect(recipeSchema.safeParse(outcome.recipe).success).toBe(true);
      }
    }
    // Oversized files are refused by their size before they are read: 50 MB of whitespace, a giant string.
    for (const content of [Buffer.alloc(50 * 1024 * 1024, 0x20), `{"format":"floatjs-recipe","method":"${'m'.repeat(MAX_RECIPE_BYTES)}"}`]) {
      write(content);
      const t0size = performance.now();
      expect(() => loadRecipe(dir)).toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\d+ bytes, larger than the ${MAX_RECIPE_BYTES}-byte limit for a recipe`));
      expect(performance.now() - t0size).toBeLessThan(50);
      const t = tally.get('oversized') ?? { cases: 0, rejected: 0 };
      tally.set('oversized', { cases: t.cases + 1, rejected: t.rejected + 1 });
    }
    closeSync(fd);
    const ms = performance.now() - t0;
    const cases = [...tally.values()].reduce((a, t) => a + t.cases, 0);
    const rejected = [...tally.values()].reduce((a, t) => a + t.rejected, 0);
    const byKind = [...tally].map(([k, t]) => `${k} ${t.rejected}/${t.cases}`).join(', ');
    console.info(`recipe.json fuzz: ${cases} cases, ${rejected} rejected, ${cases - rejected} loaded; loadRecipe ${loadMs.toFixed(0)} ms in all, slowest case ${slowest.toFixed(0)} ms; ${ms.toFixed(0)} ms with the harness (rejected/cases: ${byKind})`);

    expect(cases).toBeGreaterThan(4000);
    // Every truncation breaks the JSON but the one that drops only the final newline.
    expect(tally.get('truncation')!.rejected).toBe(tally.get('truncation')!.cases - 1);
    expect(tally.get('oversized')!.rejected).toBe(2);
    expect(rejected).toBeGreaterThan(cases * 0.5);
    expect(slowest).toBeLessThan(2_000);
    expect(loadMs).toBeLessThan(10_000);
  });
});
