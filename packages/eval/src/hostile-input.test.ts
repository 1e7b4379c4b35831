import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Hostile input, each reader in its own child process under a memory ceiling (--max-old-space-size=256) and a
 * time limit: seeded mutations of a valid file (byte flips, truncation, 0xff runs, inflated lengths) and the
 * crafted cases of issue 19. Every outcome must be a clean load or a one-line error naming the file; a crash,
 * an out-of-memory abort or a hang fails the test. Runs the built packages (nx builds before test).
 */
const here = dirname(fileURLToPath(import.meta.url));
const pkgs = join(here, '..', '..');
const dist = (p: string) => JSON.stringify(join(pkgs, p, 'dist', 'index.js'));
const root = mkdtempSync(join(tmpdir(), 'floatjs-hostile-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const MUTATIONS = 40;

const prelude = `
const fs = await import('node:fs'); const path = await import('node:path'); const zlib = await import('node:zlib');
const engine = await import(${dist('engine')}); const datasets = await import(${dist('datasets')}); const evalPkg = await import(${dist('eval')});
const root = process.argv[1]; const results = [];
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
async function attempt(file, fn) {
  try { await fn(); results.push({ file, ok: true }); } catch (e) { results.push({ file, error: String(e?.message ?? e) }); }
}
async function fuzz(name, valid, write, read) {
  for (let i = 0; i < ${MUTATIONS}; i++) { const target = write(path.join(root, name + '-' + i), mutate(valid)); await attempt(target, () => read(target)); }
}
`;
const epilogue = `process.stdout.write(JSON.stringify(results));`;

const RECIPE = { format: 'floatjs-recipe', version: 1, method: 'standard', methodOptions: {}, preset: 'fmnist-quick', dataset: 'fashion-mnist', architecture: 'cnn-s', input: { height: 28, width: 28, channels: 1, numClasses: 10 }, seed: 1, training: { epochs: 1, batchSize: 32, lr: 0.1, momentum: 0.9, weightDecay: 0.0005, schedule: 'cosine', attack: null } };

const READERS: Record<string, string> = {
  safetensors: `
    const valid = engine.encodeSafetensors(new Map([['a', { shape: [2, 3], data: new Float32Array(6).fill(0.5) }], ['z', { shape: [0], data: new Float32Array(0) }]]), { format: 'floatjs' });
    await fuzz('w', valid, (f, b) => (fs.writeFileSync(f + '.safetensors', b), f + '.safetensors'), (f) => engine.decodeSafetensors(engine.readRegularFile(f, 1 << 30, 'weights'), f));`,
  recipe: `
    const valid = Buffer.from(JSON.stringify(${JSON.stringify(RECIPE)}));
    await fuzz('r', valid, (d, b) => (fs.mkdirSync(d), fs.writeFileSync(path.join(d, 'recipe.json'), b), d), (d) => evalPkg.loadRecipe(d));
    const huge = path.join(root, 'huge'); fs.mkdirSync(huge);
    fs.writeFileSync(path.join(huge, 'recipe.json'), JSON.stringify({ ...${JSON.stringify(RECIPE)}, input: { height: 28, width: 28, channels: 1, numClasses: 3e6 } }));
    await attempt(huge, () => evalPkg.loadRecipe(huge));`,
  'trainer-state': `
    const crypto = await import('node:crypto'); const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');
    const w = engine.encodeSafetensors(new Map([['a', { shape: [2], data: new Float32Array(2) }]]));
    const state = Buffer.from(JSON.stringify({ format: 'floatjs-trainer-state', version: 1, epochsDone: 1, step: 4, trainerRng: [1, 2, 3, 4], forwardRng: [1, 2, 3, 4], plugins: {}, files: { 'model.safetensors': sha(w), 'optimizer.safetensors': sha(w) } }));
    await fuzz('s', state, (d, b) => { fs.mkdirSync(path.join(d, 'ckpt-1'), { recursive: true }); for (const f of ['model.safetensors', 'optimizer.safetensors']) fs.writeFileSync(path.join(d, 'ckpt-1', f), w); fs.writeFileSync(path.join(d, 'ckpt-1', 'trainer-state.json'), b); return d; }, (d) => engine.findTrainingCheckpoint(d));`,
  idx: `
    const raw = datasets.encodeIdx([50, 28, 28], new Uint8Array(50 * 784).fill(7));
    await fuzz('i', zlib.gzipSync(raw), (f, b) => (fs.writeFileSync(f + '-idx3-ubyte.gz', b), f + '-idx3-ubyte.gz'), (f) => datasets.gunzipIdx(fs.readFileSync(f), f).then((r) => datasets.parseIdx(r, f)));
    const header = Buffer.alloc(16); header.writeUInt32BE(0x803, 0); header.writeUInt32BE(60000, 4); header.writeUInt32BE(28, 8); header.writeUInt32BE(28, 12);
    const zeros = zlib.gzipSync(Buffer.alloc(64 << 20), { level: 9 });
    const bomb = path.join(root, 'bomb-idx3-ubyte.gz'); fs.writeFileSync(bomb, Buffer.concat([zlib.gzipSync(header), ...Array(8).fill(zeros)]));
    await attempt(bomb, () => datasets.gunzipIdx(fs.readFileSync(bomb), bomb));
    results.push({ file: 'rss', rss: process.memoryUsage().rss });`,
  jpeg: `
    const jpegJs = (await import('node:module')).createRequire(${JSON.stringify(join(pkgs, 'datasets', 'package.json'))})('jpeg-js');
    const px = Buffer.alloc(16 * 16 * 4, 128);
    const valid = jpegJs.encode({ data: px, width: 16, height: 16 }, 90).data;
    await fuzz('j', valid, (f, b) => (fs.writeFileSync(f + '.jpg', b), f + '.jpg'), (f) => datasets.decodeJpeg(fs.readFileSync(f), f));
    const big = path.join(root, 'big.jpg');
    fs.writeFileSync(big, Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0, 17, 8, 0x27, 0x10, 0x27, 0x10, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xff, 0xd9]));
    await attempt(big, () => datasets.decodeJpeg(fs.readFileSync(big), big));`,
  'model files': `
    const cp = await import('node:child_process');
    for (const kind of ['fifo', 'devzero', 'dir', 'nan', 'variance']) {
      const d = path.join(root, 'm-' + kind); fs.mkdirSync(d); const f = path.join(d, 'model.safetensors');
      if (kind === 'fifo') cp.execFileSync('mkfifo', [f]);
      if (kind === 'devzero') fs.symlinkSync('/dev/zero', f);
      if (kind === 'dir') fs.mkdirSync(f);
      if (kind === 'nan' || kind === 'variance') fs.writeFileSync(f, engine.encodeSafetensors(new Map([['bn1.movingVariance', { shape: [2], data: Float32Array.from(kind === 'nan' ? [NaN, 1] : [1, -2]) }]])));
      await attempt(f, () => engine.checkLoadedValues(engine.decodeSafetensors(engine.readRegularFile(f, 1 << 30, 'weights'), f).tensors, f));
    }`,
};

describe('hostile input: every reader, in a child process with memory and time limits', () => {
  for (const [reader, body] of Object.entries(READERS)) {
    it(`${reader}: clean errors naming the file, never a crash, hang or memory blow-up`, () => {
      const dir = join(root, reader.replace(/\W/g, '-'));
      mkdirSync(dir, { recursive: true });
      const r = spawnSync(process.execPath, ['--max-old-space-size=256', '--input-type=module', '-e', prelude + body + epilogue, dir], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, FLOAT_NATIVE: 'off' } });
      expect(r.signal, `${reader}: ${r.stderr.slice(-800)}`).toBeNull();
      expect(r.status, `${reader}: ${r.stderr.slice(-800)}`).toBe(0);
      const results = JSON.parse(r.stdout) as Array<{ file: string; ok?: boolean; error?: string; rss?: number }>;
      expect(results.length).toBeGreaterThan(0);
      for (const x of results) {
        if (x.rss !== undefined) expect(x.rss, 'peak RSS after the gzip bomb').toBeLessThan(300 * 1024 * 1024);
        if (x.error === undefined) continue;
        expect(x.error.split('\n'), x.error).toHaveLength(1);
        expect(x.error, `error names ${x.file}`).toContain(x.file);
      }
      if (reader === 'model files') expect(results.every((x) => x.error)).toBe(true);
    }, 90_000);
  }
});
