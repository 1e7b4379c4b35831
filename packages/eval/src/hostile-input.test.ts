import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DATASET_READERS } from './test-utils/hostile-dataset-readers';

/**
 * Hostile input, each reader in its own child process under a memory ceiling and a time limit: seeded mutations
 * of a valid file (byte flips, truncation, 0xff runs, inflated lengths) and the crafted cases of issue 19. Every
 * outcome must be a clean load or a one-line error naming the file; a crash, an out-of-memory abort or a hang
 * fails the test. The ceiling is a 256 MB V8 heap plus, where prlimit exists, an address-space limit 768 MB above
 * what the child maps after its imports, so typed arrays count too: a reader that allocates what a small file
 * claims before rejecting it fails. Runs the built packages (nx builds before test).
 */
const here = dirname(fileURLToPath(import.meta.url));
const pkgs = join(here, '..', '..');
const dist = (p: string) => JSON.stringify(join(pkgs, p, 'dist', 'index.js'));
const testing = JSON.stringify(join(pkgs, 'datasets', 'dist', 'testing.js'));
const root = mkdtempSync(join(tmpdir(), 'floatjs-hostile-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const MUTATIONS = 40;

const prelude = `
const fs = await import('node:fs'); const path = await import('node:path'); const zlib = await import('node:zlib');
const cp = await import('node:child_process');
const engine = await import(${dist('engine')}); const checkpoint = await import(${dist('checkpoint')}); const datasets = await import(${dist('datasets')}); const evalPkg = await import(${dist('eval')});
const testing = await import(${testing});
const root = process.argv[1]; const results = [];
await new Promise((r) => zlib.gzip(Buffer.alloc(1), r)); await fs.promises.stat(root);
try {
  const mapped = Number(/VmSize:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
  cp.execFileSync('prlimit', ['--pid', String(process.pid), '--as=' + (mapped + (768 << 20))], { stdio: 'ignore' });
  results.push({ file: 'ceiling', ceiling: mapped + (768 << 20) });
} catch { results.push({ file: 'ceiling', ceiling: null }); }
let s = 12345; const rnd = (n) => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s % n; };
function mutate(b) {
  const out = Buffer.from(b);
  switch (rnd(5)) {
    case 0: for (let i = 0; i < 1 + rnd(4); i++) out[rnd(out.length)] ^= 1 << rnd(8); return out;
    case 1: return out.subarray(0, rnd(out.length));
    case 2: { const at = rnd(out.length); out.fill(0xff, at, Math.min(out.length, at + 8)); return out; }
    case 3: { const at = rnd(Math.min(out.length, 64)); out.fill(0x7f, at, Math.min(out.length, at + 4)); return out; }
    default: { const at = rnd(out.length); return Buffer.concat([out.subarray(0, at), Buffer.alloc(1 + rnd(64), 0xff), out.subarray(at)]); }
  }
}
async function attempt(file, fn, mustLoad = false) {
  try { await fn(); results.push({ file, ok: true }); } catch (e) { results.push({ file, mustLoad, error: String(e?.message ?? e) }); }
}
async function fuzz(name, valid, write, read, count = ${MUTATIONS}) {
  for (let i = 0; i < count; i++) { const target = write(path.join(root, name + '-' + i), mutate(valid)); await attempt(target, () => read(target)); }
}
/** A FIFO (open blocks until a writer comes), /dev/zero (endless zeros) or a directory where a file is expected. */
function plant(kind, f) {
  if (kind === 'fifo') cp.execFileSync('mkfifo', [f]);
  if (kind === 'devzero') fs.symlinkSync('/dev/zero', f);
  if (kind === 'dir') fs.mkdirSync(f);
}
/** A ustar header; size is octal text or the raw 12-byte field (base-256, 0xff runs). */
function tarHead(name, size, type = '0') {
  const h = Buffer.alloc(512); h.write(name.slice(0, 100), 0); h.write('0000644\\0', 100); h.write('0000000\\0', 108); h.write('0000000\\0', 116);
  if (typeof size === 'string') h.write(size.padStart(11, '0') + '\\0', 124); else size.copy(h, 124);
  h.write('14000000000\\0', 136); h[156] = type.charCodeAt(0); h.write('ustar\\0' + '00', 257);
  h.fill(0x20, 148, 156); let sum = 0; for (const b of h) sum += b; h.write(sum.toString(8).padStart(6, '0') + '\\0 ', 148);
  return h;
}
`;
const epilogue = `process.stdout.write(JSON.stringify(results));`;

const RECIPE = { format: 'floatjs-recipe', version: 1, method: 'standard', methodOptions: {}, preset: 'fmnist-quick', dataset: 'fashion-mnist', architecture: 'cnn-s', input: { height: 28, width: 28, channels: 1, numClasses: 10 }, seed: 1, training: { epochs: 1, batchSize: 32, lr: 0.1, momentum: 0.9, weightDecay: 0.0005, schedule: 'cosine', attack: null } };

const READERS: Record<string, string> = {
  safetensors: `
    const valid = checkpoint.encodeSafetensors(new Map([['a', { shape: [2, 3], data: new Float32Array(6).fill(0.5) }], ['z', { shape: [0], data: new Float32Array(0) }]]), { format: 'floatjs' });
    await fuzz('w', valid, (f, b) => (fs.writeFileSync(f + '.safetensors', b), f + '.safetensors'), (f) => checkpoint.decodeSafetensors(checkpoint.readRegularFile(f, 1 << 30, 'weights'), f));`,
  recipe: `
    const valid = Buffer.from(JSON.stringify(${JSON.stringify(RECIPE)}));
    await fuzz('r', valid, (d, b) => (fs.mkdirSync(d), fs.writeFileSync(path.join(d, 'recipe.json'), b), d), (d) => evalPkg.loadRecipe(d));
    const huge = path.join(root, 'huge'); fs.mkdirSync(huge);
    fs.writeFileSync(path.join(huge, 'recipe.json'), JSON.stringify({ ...${JSON.stringify(RECIPE)}, input: { height: 28, width: 28, channels: 1, numClasses: 3e6 } }));
    await attempt(huge, () => evalPkg.loadRecipe(huge));`,
  'trainer-state': `
    const crypto = await import('node:crypto'); const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');
    const w = checkpoint.encodeSafetensors(new Map([['a', { shape: [2], data: new Float32Array(2) }]]));
    const state = Buffer.from(JSON.stringify({ format: 'floatjs-trainer-state', version: 1, epochsDone: 1, step: 4, trainerRng: [1, 2, 3, 4], forwardRng: [1, 2, 3, 4], plugins: {}, files: { 'model.safetensors': sha(w), 'optimizer.safetensors': sha(w) } }));
    await fuzz('s', state, (d, b) => { fs.mkdirSync(path.join(d, 'ckpt-1'), { recursive: true }); for (const f of ['model.safetensors', 'optimizer.safetensors']) fs.writeFileSync(path.join(d, 'ckpt-1', f), w); fs.writeFileSync(path.join(d, 'ckpt-1', 'trainer-state.json'), b); return d; }, (d) => checkpoint.findTrainingCheckpoint(d));`,
  idx: `
    const raw = testing.encodeIdx([50, 28, 28], new Uint8Array(50 * 784).fill(7));
    await fuzz('i', zlib.gzipSync(raw), (f, b) => (fs.writeFileSync(f + '-idx3-ubyte.gz', b), f + '-idx3-ubyte.gz'), (f) => testing.gunzipIdx(fs.readFileSync(f), f).then((r) => testing.parseIdx(r, f)));
    const header = Buffer.alloc(16); header.writeUInt32BE(0x803, 0); header.writeUInt32BE(60000, 4); header.writeUInt32BE(28, 8); header.writeUInt32BE(28, 12);
    const zeros = zlib.gzipSync(Buffer.alloc(64 << 20), { level: 9 });
    const bomb = path.join(root, 'bomb-idx3-ubyte.gz'); fs.writeFileSync(bomb, Buffer.concat([zlib.gzipSync(header), ...Array(8).fill(zeros)]));
    await attempt(bomb, () => testing.gunzipIdx(fs.readFileSync(bomb), bomb));
    results.push({ file: 'rss', rss: process.memoryUsage().rss });`,
  jpeg: `
    const jpegJs = (await import('node:module')).createRequire(${JSON.stringify(join(pkgs, 'datasets', 'package.json'))})('jpeg-js');
    const px = Buffer.alloc(16 * 16 * 4, 128);
    const valid = jpegJs.encode({ data: px, width: 16, height: 16 }, 90).data;
    await fuzz('j', valid, (f, b) => (fs.writeFileSync(f + '.jpg', b), f + '.jpg'), (f) => datasets.decodeJpeg(fs.readFileSync(f), f));
    const big = path.join(root, 'big.jpg');
    fs.writeFileSync(big, Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0, 17, 8, 0x27, 0x10, 0x27, 0x10, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xff, 0xd9]));
    await attempt(big, () => datasets.decodeJpeg(fs.readFileSync(big), big));
    // No reader decodes PNG: image folders go through decodeJpeg, which must refuse one (here claiming 2^31 × 2^31).
    const png = path.join(root, 'image.png');
    fs.writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 8, 2, 0, 0, 0]));
    await attempt(png, () => datasets.decodeJpeg(fs.readFileSync(png), png));`,
  'model files': `
    for (const kind of ['fifo', 'devzero', 'dir', 'nan', 'variance']) {
      const d = path.join(root, 'm-' + kind); fs.mkdirSync(d); const f = path.join(d, 'model.safetensors');
      if (kind === 'nan' || kind === 'variance') fs.writeFileSync(f, checkpoint.encodeSafetensors(new Map([['bn1.movingVariance', { shape: [2], data: Float32Array.from(kind === 'nan' ? [NaN, 1] : [1, -2]) }]])));
      else plant(kind, f);
      await attempt(f, () => checkpoint.checkLoadedValues(checkpoint.decodeSafetensors(checkpoint.readRegularFile(f, 1 << 30, 'weights'), f).tensors, f));
    }`,
  sparse8: `
    const kernel = (n, nnz) => Float32Array.from({ length: n }, (_, i) => (i % Math.floor(n / nnz) === 0 ? ((i % 7) - 3.5) / 10 : 0));
    // One kernel sparse enough for CSR, one for the bitmap, and a dense BN vector: all three layouts.
    const tensors = [{ name: 'conv1.kernel', shape: [3, 3, 16, 8], values: kernel(1152, 20) }, { name: 'conv2.kernel', shape: [3, 3, 16, 8], values: kernel(1152, 300) }, { name: 'bn1.gamma', shape: [8], values: new Float32Array(8).fill(1.5) }];
    const valid = Buffer.from(evalPkg.encodeSparse8(tensors, (t) => t.name.endsWith('.kernel'), { format: 'floatjs' }));
    const read = (f) => evalPkg.decodeSparse8(checkpoint.readRegularFile(f, 1 << 30, 'a sparse8 export'), f);
    await fuzz('p', valid, (f, b) => (fs.writeFileSync(f + '.sparse8', b), f + '.sparse8'), read);
    const file = (header, payload = Buffer.alloc(0)) => {
      const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header)); const pre = Buffer.alloc(8);
      pre.writeUInt32LE(0x38505346, 0); pre.writeUInt32LE(json.length, 4); return Buffer.concat([pre, json, payload]);
    };
    const one = (e) => ({ format: 'floatjs-sparse8', version: 1, tensors: [{ name: 'k', shape: [2, 2], kind: 'dense', scale: 1, nnz: 0, offset: 0, bytes: 4, ...e }] });
    const crafted = {
      headerLength: (() => { const b = Buffer.from(valid); b.writeUInt32LE(0xffffffff, 4); return b; })(),
      dense: file(one({ shape: [1e6, 1e6] }), Buffer.alloc(4)),
      columns: file(one({ kind: 'csr', shape: [1 << 17, 1], bytes: 8 }), Buffer.alloc(8)),
      csr: file(one({ kind: 'csr', shape: [1 << 20, 1 << 10, 1], bytes: 8 }), Buffer.alloc(8)),
      wide: file(one({ kind: 'csr', shape: [1 << 14, 1 << 14], bytes: 4 * 16385 }), Buffer.alloc(4 * 16385)),
      nnz: file(one({ kind: 'bitmap', shape: [8], nnz: -1, bytes: 0 })),
      offset: file(one({ offset: 1e9 }), Buffer.alloc(4)),
      entry: file({ format: 'floatjs-sparse8', version: 1, tensors: [null] }),
      json: file('{"format":\\n"floatjs-sparse8",\\n\\n}'),
      scale: file(one({ scale: null }), Buffer.alloc(4)),
      name: file(one({ name: 'a\\nb', offset: 99 }), Buffer.alloc(4)),
      truncated: valid.subarray(0, valid.length - 5),
    };
    for (const [kind, bytes] of Object.entries(crafted)) { const f = path.join(root, kind + '.sparse8'); fs.writeFileSync(f, bytes); await attempt(f, () => read(f)); }`,
  'train log': `
    const line = (o) => JSON.stringify(o) + '\\n';
    const valid = Buffer.from([
      line({ event: 'step', epoch: 0, step: 1, batchInEpoch: 1, batchesPerEpoch: 2, loss: 2.3, lr: 0.1 }),
      line({ event: 'epoch', epoch: 0, seconds: 1.5, meanLoss: 2.2 }),
      line({ event: 'rollback', step: 3, cause: 'loss is NaN at epoch 2, step 3', checkpointEpoch: 1, lrScale: 0.5 }),
      line({ event: 'epoch', epoch: 1, seconds: 1.4, meanLoss: 2 }),
    ].join(''));
    // What a resume reads: the torn last line is cut, then the rollbacks and (at the end) the epoch records.
    const read = (f) => { evalPkg.dropTornLastLine(f); return [evalPkg.trainLogEvents(f, 'epoch').length, evalPkg.trainLogEvents(f, 'rollback').length]; };
    const inDir = (d, b) => (fs.mkdirSync(d), fs.writeFileSync(path.join(d, 'train-log.jsonl'), b), path.join(d, 'train-log.jsonl'));
    await fuzz('l', valid, inDir, read);
    // Tolerated, not errors: a kill mid-append, a runaway line, binary junk.
    const tolerated = { torn: [Buffer.concat([valid, Buffer.from('{"event":"epoch","epo')]), 2, 1], tornRollback: [Buffer.concat([valid, Buffer.from('{"event":"rollback","st')]), 2, 1], long: [Buffer.concat([valid, Buffer.from('{"event":"epoch",'), Buffer.alloc(3 << 20, 0x61), Buffer.from('\\n'), valid]), 5, 2], junk: [Buffer.concat([Buffer.alloc(300, 0), Buffer.from('\\n'), valid]), 2, 1] };
    for (const [kind, [bytes, epochs, rollbacks]] of Object.entries(tolerated)) {
      const f = inDir(path.join(root, 'l-' + kind), bytes);
      await attempt(f, () => { const got = read(f); if (got[0] !== epochs || got[1] !== rollbacks) throw new Error(f + ': read ' + got + ', expected ' + [epochs, rollbacks]); }, true);
    }
    for (const kind of ['fifo', 'devzero', 'dir']) { const d = path.join(root, 'l-' + kind); fs.mkdirSync(d); plant(kind, path.join(d, 'train-log.jsonl')); await attempt(path.join(d, 'train-log.jsonl'), () => read(path.join(d, 'train-log.jsonl'))); }`,
  ...DATASET_READERS,
};

describe('hostile input: every reader, in a child process with memory and time limits', () => {
  for (const [reader, body] of Object.entries(READERS)) {
    it(`${reader}: clean errors naming the file, never a crash, hang or memory blow-up`, () => {
      const dir = join(root, reader.replace(/\W/g, '-'));
      mkdirSync(dir, { recursive: true });
      const r = spawnSync(process.execPath, ['--max-old-space-size=256', '--input-type=module', '-e', prelude + body + epilogue, dir], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, FLOAT_NATIVE: 'off' } });
      expect(r.signal, `${reader}: ${r.stderr.slice(-800)}`).toBeNull();
      expect(r.status, `${reader}: ${r.stderr.slice(-800)}`).toBe(0);
      const results = JSON.parse(r.stdout) as Array<{ file: string; ok?: boolean; error?: string; mustLoad?: boolean; rss?: number; ceiling?: number | null }>;
      const outcomes = results.filter((x) => x.ok || x.error !== undefined);
      expect(outcomes.length).toBeGreaterThan(0);
      const rss = results.find((x) => x.rss !== undefined)?.rss;
      if (rss !== undefined) expect(rss, 'peak RSS after the gzip bomb').toBeLessThan(300 * 1024 * 1024);
      const bad = outcomes.filter((x) => x.error !== undefined && (x.mustLoad || x.error.includes('\n') || !x.error.includes(x.file)));
      expect(bad.map((x) => `${x.file}: ${x.mustLoad ? 'must load, but ' : ''}${x.error}`)).toEqual([]);
      if (reader === 'model files') expect(outcomes.every((x) => x.error)).toBe(true);
    }, 90_000);
  }
});
