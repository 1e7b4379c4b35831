import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@floatjs/backend';
import { runCli } from '../test-utils/run-cli';
import { methodNames } from '../recipes/methods';
import { writeTinyDataset } from '../test-utils/tiny-dataset';
import { tinyExperiment } from '../test-utils/tiny-experiment';
import { experimentNames, getExperiment, registerExperiment } from './registry';
import { paperReference, runExperiment } from './run';
import type { ExperimentReport } from './types';

const dataDir = writeTinyDataset();
const out = join(dataDir, 'experiment');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('experiment registry', () => {
  it('has fmnist-compare: FLOAT, OAT (optional) and one PGD-AT model per λ ∈ {0, 0.2, 0.7, 1} on fmnist-quick', () => {
    const e = getExperiment('fmnist-compare');
    expect(e.preset).toBe('fmnist-quick');
    expect(e.runs.map((r) => r.label ?? (r.lambda === undefined ? r.method : `${r.method}-${r.lambda}`))).toEqual(['float', 'oat', 'pgd-at-0', 'pgd-at-0.2', 'pgd-at-0.7', 'pgd-at-1']);
    expect(e.runs.find((r) => r.method === 'oat')?.optional).toBe(true);
    expect(experimentNames()).toContain('fmnist-compare');
    expect(() => getExperiment('nope')).toThrow(/unknown experiment "nope"; expected one of: .*fmnist-compare/);
    expect(() => registerExperiment({ name: 'dup', description: '', preset: 'fmnist-quick', runs: [{ method: 'float' }, { method: 'float' }] })).toThrow(/lists run "float" twice/);
  });
});

describe('float experiment CLI', () => {
  it('rejects an unknown experiment in one line naming the known ones', async () => {
    const { code, stderr } = await runCli('experiment', 'cifar-everything', '--out', join(dataDir, 'nope'));
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/unknown experiment "cifar-everything"; expected one of: fmnist-compare/);
  });
});

describe('the paper’s ResNet-34 / CIFAR-10 cost figures', () => {
  it('recomputes 21.28 M params, ~1.165 GFLOPs, OAT’s 31.4 M, and the delay model', async () => {
    await selectBackend('cpu');
    const r = await paperReference();
    expect(r.plainParams).toBe(21_282_122);
    expect(r.floatParams).toBe(21_299_182);
    expect(r.oatParamsRawLambda).toBe(31_403_978);
    expect(r.oatParams128).toBe(21_282_122 + 17_024 + 12_056_320);
    expect(r.flops).toBe(1_159_402_496);
    expect(Math.abs(r.flops / 1.165e9 - 1)).toBeLessThan(0.01);
    expect(r.delay.convLayers).toBe(36);
    expect(r.delay.totalNs.oat).toBeGreaterThan(r.delay.totalNs.float);
  }, 60_000);
});

describe('float experiment on a tiny preset', () => {
  it('trains, evaluates and costs every method and writes report.json, report.md and the plots (SVG + PNG)', async () => {
    const def = tinyExperiment();
    const t0 = performance.now();
    const r = await runExperiment(def.name, { out, dataDir, verify: false, quiet: true, seed: 3 });
    const seconds = (performance.now() - t0) / 1000;
    expect(seconds).toBeLessThan(60);

    const oat = methodNames().includes('oat');
    const labels = ['float', ...(oat ? ['oat'] : []), 'pgd-at-0', 'pgd-at-1'];
    expect(r.methods.map((m) => m.label)).toEqual(labels);
    if (!oat) expect(r.notes.join(' ')).toMatch(/Skipped oat/);

    const json: ExperimentReport = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(json.format).toBe('floatjs-experiment');
    expect(json.experiment).toBe(def.name);
    for (const m of json.methods) {
      for (const k of ['method', 'params', 'secondsPerEpoch', 'latencyMs', 'flops', 'storageBytes', 'delayNs', 'rows'] as const) expect(m).toHaveProperty(k);
      expect(m.params.trainable).toBeGreaterThan(90_000);
      expect(m.secondsPerEpoch).toBeGreaterThan(0);
      expect(m.latencyMs).toBeGreaterThan(0);
      expect(m.flops).toBe(9 * 32 * 784 + 9 * 32 * 64 * 196 + 9 * 64 * 128 * 49 + 1280);
      expect(m.storageBytes).toBe(m.params.trainable);
      expect(m.delayNs).toBeGreaterThan(0);
      expect(m.rows.length).toBeGreaterThan(0);
      for (const row of m.rows) {
        for (const k of ['lambda', 'lambdaTh', 'norm', 'lambdaN', 'width', 'ca', 'ra', 'attack']) expect(row).toHaveProperty(k);
        expect(row.attack).toBe('pgd-3');
        expect(row.ra).toBeLessThanOrEqual(row.ca);
      }
      expect(existsSync(join(out, m.dir, 'model.safetensors'))).toBe(true);
      expect(existsSync(join(out, m.dir, 'eval.json'))).toBe(true);
    }
    const byLabel = Object.fromEntries(json.methods.map((m) => [m.label, m]));
    expect(byLabel.float.rows).toHaveLength(8);
    expect(byLabel.float.delayKind).toBe('float');
    expect(byLabel['pgd-at-0'].trainLambda).toBe(0);
    expect(byLabel['pgd-at-1'].delayKind).toBe('conv');
    expect(byLabel.float.delayNs).toBeGreaterThan(byLabel['pgd-at-1'].delayNs);
    // FLOAT within 1% of one PGD-AT model's parameters.
    expect(byLabel.float.params.trainable / byLabel['pgd-at-1'].params.trainable - 1).toBeLessThan(0.01);

    const pgd = json.families.find((f) => f.method === 'pgd-at')!;
    expect(pgd.models).toEqual(['pgd-at-0', 'pgd-at-1']);
    expect(pgd.secondsPerEpoch).toBeCloseTo(byLabel['pgd-at-0'].secondsPerEpoch + byLabel['pgd-at-1'].secondsPerEpoch, 6);
    expect(json.families.find((f) => f.method === 'float')!.trainTimeVsFloat).toBe(1);
    expect(pgd.storageBytesAllModels).toBe(2 * pgd.storageBytesPerModel);
    expect(json.delayModel.architecture).toBe('cnn-s');
    expect(json.paperReference).toBeNull();

    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toMatch(/## Clean and robust accuracy/);
    expect(md).toMatch(/## Against the paper/);
    expect(md).not.toMatch(/Caution on training time/);
    expect(md).toMatch(/\| pgd-at-1 \| 1 \|/);
    // FLOAT's noisy rows were attacked with the preset's EOT 2: the report says they are upper bounds, not headlines.
    expect(json.methods.find((m) => m.method === 'float')!.rows.some((row) => row.randomized && row.eot < 10)).toBe(true);
    expect(md).toMatch(/\*\*Randomized rows are upper bounds on RA here, not headline figures\*\*: they were attacked with PGD-\d+ and EOT 2/);

    expect(json.plots).toEqual(['ca-ra', 'train-time', 'storage', 'delay', 'latency'].flatMap((p) => [`${p}.svg`, `${p}.png`]));
    for (const p of ['ca-ra', 'train-time', 'storage', 'delay', 'latency']) {
      const svg = readFileSync(join(out, `${p}.svg`), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg.length).toBeGreaterThan(2000);
      const png = readFileSync(join(out, `${p}.png`));
      expect([...png.subarray(0, 8)]).toEqual(PNG_MAGIC);
      expect(statSync(join(out, `${p}.png`)).size).toBeGreaterThan(5000);
      const spec = JSON.parse(readFileSync(join(out, `${p}.vl.json`), 'utf8'));
      expect(spec.title.text.length).toBeGreaterThan(10);
    }
    // Titles and axis labels with units reach the SVG.
    const caRa = readFileSync(join(out, 'ca-ra.svg'), 'utf8');
    expect(caRa).toMatch(/Clean vs robust accuracy/);
    expect(caRa).toMatch(/clean accuracy CA \(%\)/);
    expect(caRa).toMatch(/robust accuracy RA under PGD-3 \(%\)/);
    expect(readFileSync(join(out, 'latency.svg'), 'utf8')).toMatch(/\(ms\)/);
    expect(readFileSync(join(out, 'delay.svg'), 'utf8')).toMatch(/τ_conv/);
  }, 120_000);
});
