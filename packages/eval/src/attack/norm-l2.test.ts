import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCard } from '../commands/card';
import { runEval } from '../commands/evaluate';
import { runCli } from '../test-utils/run-cli';
import { trainedRun } from '../test-utils/trained-run';

let dataDir: string;
let dir: string;
beforeAll(async () => {
  ({ dataDir, dir } = await trainedRun());
}, 120_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('float eval --norm l2', () => {
  it('attacks in ℓ2 with the given budget, labels and records the threat model, and RA only falls with ε', async () => {
    const base = { dataDir, verify: false, quiet: true, limit: 20, norm: 'l2' as const };
    const none = await runEval(dir, { ...base, eps: 0, json: join(dir, 'l2-0.json') });
    expect(none.rows[0].ra).toBe(none.rows[0].ca);
    const small = await runEval(dir, { ...base, eps: 0.5, json: join(dir, 'l2-small.json') });
    const large = await runEval(dir, { ...base, eps: 3, json: join(dir, 'l2-large.json') });
    expect(small.attack).toMatchObject({ name: 'pgd-3-l2', norm: 'L2', eps: 0.5, steps: 3, stepSize: (2.5 * 0.5) / 3 });
    expect(small.rows[0].attack).toBe('pgd-3-l2');
    expect(large.rows[0].ra).toBeLessThanOrEqual(small.rows[0].ra);
    expect(small.rows[0].ra).toBeLessThanOrEqual(small.rows[0].ca);
    const aa = await runEval(dir, { ...base, eps: 1, attack: 'autoattack-standard', aaIter: 5, aaQueries: 20, json: join(dir, 'l2-aa.json') });
    expect(aa.attack).toMatchObject({ name: 'autoattack-standard-l2', norm: 'L2', eps: 1 });
    expect(aa.rows[0].autoattack?.norm).toBe('L2');
    expect(aa.rows[0].autoattack?.checks.find((c) => c.name === 'perturbation-bound')?.message).toMatch(/^max ℓ2 perturbation/);
    // A card states the ℓ2 threat model and refuses to mix it with an ℓ∞ evaluation.
    await runEval(dir, { ...base, eps: 1, json: join(dir, 'l2-1.json') });
    const card = writeCard(dir, { evals: [join(dir, 'l2-1.json'), join(dir, 'l2-aa.json')], out: join(dir, 'card-l2') });
    expect(card.threatModel).toEqual({ norm: 'L2', eps: 1, inputRange: [0, 1] });
    const linf = await runEval(dir, { ...base, norm: 'linf', eps: 1, json: join(dir, 'linf.json') });
    expect(linf.attack.norm).toBeUndefined();
    expect(() => writeCard(dir, { evals: [join(dir, 'l2-aa.json'), join(dir, 'linf.json')], out: join(dir, 'card-mixed') })).toThrow(/linf\.json: threat model Linf, but .*l2-aa\.json has L2; a card has one threat model/);
  }, 120_000);

  it('refuses, before attacking, an ℓ2 run without --eps, FGSM in ℓ2, an ℓ∞ ε above 1 and an unknown norm', async () => {
    const cases: Array<[string[], string]> = [
      [['--norm', 'l2'], "float: error: --eps: --norm l2 needs an ℓ2 budget (the preset's ε is an ℓ∞ one), e.g. --eps 1.5 for 28×28 images\n"],
      [['--norm', 'l2', '--eps', '1', '--attack', 'fgsm'], 'float: error: --attack: fgsm is an ℓ∞ attack; with --norm l2 use --attack pgd --steps 1 (one normalized gradient step) or another attack\n'],
      [['--eps', '1.5'], 'float: error: --eps: expected a number in [0, 1] for the ℓ∞ threat model (inputs in [0, 1]), got 1.5; for an ℓ2 budget add --norm l2\n'],
      [['--norm', 'l1', '--eps', '1'], 'float: error: --norm: expected "linf" or "l2", got "l1"\n'],
    ];
    for (const [flags, message] of cases) {
      const { code, stderr } = await runCli('eval', dir, '--data-dir', dataDir, '--no-verify', '--limit', '10', '--json', '-', ...flags);
      expect(stderr).toBe(message);
      expect(code).toBe(1);
    }
  }, 60_000);
});
