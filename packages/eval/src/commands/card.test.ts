import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeCard, type ModelCard } from './card';
import { runEval } from './evaluate';
import { runCli } from '../test-utils/run-cli';
import { writeTinyDataset } from '../test-utils/tiny-dataset';
import { tinyPreset } from '../test-utils/tiny-preset';
import { runTrain } from './train';

const dataDir = writeTinyDataset(64, 20);
const dir = join(dataDir, 'run');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('float card', () => {
  it('combines evaluations of these weights into one card, worst case per condition', async () => {
    await runTrain({ preset: tinyPreset().name, method: 'float', out: dir, dataDir, verify: false, quiet: true });
    const base = { dataDir, verify: false, quiet: true, lambdas: [0, 1], lambdaThs: [0], limit: 12 };
    const a = await runEval(dir, { ...base, steps: 2, json: join(dir, 'pgd2.json') });
    const b = await runEval(dir, { ...base, steps: 5, json: join(dir, 'pgd5.json') });
    const { code } = await runCli('card', dir, '--eval', join(dir, 'pgd2.json'), join(dir, 'pgd5.json'));
    expect(code).toBe(0);
    const card: ModelCard = JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8'));
    expect(card.threatModel).toEqual({ norm: 'Linf', eps: a.attack.eps, inputRange: [0, 1] });
    expect(card.model.weightsSha256).toBe(a.provenance!.weightsSha256);
    expect(card.rows.map((r) => r.lambda)).toEqual([0, 1]);
    for (const [i, r] of card.rows.entries()) {
      expect(r.ra.map((x) => x!.ra)).toEqual([a.rows[i]!.ra, b.rows[i]!.ra]);
      expect(r.worstRa).toBe(Math.min(a.rows[i]!.ra, b.rows[i]!.ra));
    }
    expect(card.rows[1]!.randomized).toBe(true);
    const md = readFileSync(join(dir, 'card.md'), 'utf8');
    expect(md).toMatch(/Threat model: ℓ∞, ε = /);
    expect(md).toMatch(/worst-case RA/);
  }, 180_000);

  it('gives rows that configure the model identically (sameAs) the worst case found on either', async () => {
    // λ = 1 under λ_th = 0 and 0.5 is one configuration: eval 1 measures both (the second as sameAs), eval 2 only λ_th = 0.
    const base = { dataDir, verify: false, quiet: true, lambdas: [1], limit: 12 };
    const both = await runEval(dir, { ...base, lambdaThs: [0, 0.5], steps: 1, json: join(dir, 'weak.json') });
    expect(both.rows[1]!.sameAs).toEqual({ lambda: 1, lambdaTh: 0 });
    const strong = await runEval(dir, { ...base, lambdaThs: [0], steps: 10, json: join(dir, 'strong.json') });
    const card = writeCard(dir, { evals: [join(dir, 'weak.json'), join(dir, 'strong.json')], out: join(dir, 'card-same') });
    const at = (th: number) => card.rows.find((r) => r.lambda === 1 && r.lambdaTh === th)!;
    expect(at(0).worstRa).toBe(Math.min(both.rows[0]!.ra, strong.rows[0]!.ra));
    expect(at(0.5).worstRa).toBe(at(0).worstRa);
    expect(at(0.5).ra[1]).toBeNull();
    if (strong.rows[0]!.ra < both.rows[1]!.ra) expect(card.notes.join(' ')).toMatch(/λ = 1, λ_th = 0\.5 configures the model exactly as another row does/);
  }, 180_000);

  it('refuses an evaluation made on other weights', () => {
    const other = join(dir, 'other.json');
    const r = JSON.parse(readFileSync(join(dir, 'pgd2.json'), 'utf8'));
    r.provenance.weightsSha256 = '0'.repeat(64);
    writeFileSync(other, JSON.stringify(r));
    expect(() => writeCard(dir, { evals: [other] })).toThrow(/other\.json: made on other weights/);
  });

  it('refuses evaluations of two threat models, and names an unreadable file', () => {
    const r = JSON.parse(readFileSync(join(dir, 'pgd2.json'), 'utf8'));
    r.attack.eps = 0.3;
    writeFileSync(join(dir, 'eps3.json'), JSON.stringify(r));
    expect(() => writeCard(dir, { evals: [join(dir, 'pgd2.json'), join(dir, 'eps3.json')] })).toThrow(/eps3\.json: ε = 0\.3, but .*pgd2\.json has ε = /);
    writeFileSync(join(dir, 'bad.json'), '{"rows": ');
    expect(() => writeCard(dir, { evals: [join(dir, 'bad.json')] })).toThrow(/bad\.json: not a readable evaluation/);
  });
});
