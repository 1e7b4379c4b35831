import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck, type CheckReport } from './check';
import { runCli } from '../test-utils/run-cli';
import { runTrain } from './train';
import { writeTinyDataset } from '../test-utils/tiny-dataset';
import { tinyPreset } from '../test-utils/tiny-preset';

const dataDir = writeTinyDataset(64, 20);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('float check', () => {
  it('measures the checklist at a deterministic and a randomized λ, with a transfer source, and writes json, md and plots', async () => {
    const dir = join(dataDir, 'float');
    const src = join(dataDir, 'std');
    await runTrain({ preset: tinyPreset().name, method: 'float', out: dir, dataDir, verify: false, quiet: true });
    await runTrain({ preset: tinyPreset().name, method: 'standard', out: src, dataDir, verify: false, quiet: true });
    const out = join(dataDir, 'check');
    const { code } = await runCli('check', dir, '--source', src, '--out', out, '--data-dir', dataDir, '--no-verify', '--quiet', '--limit', '12');
    expect(code).toBe(0);
    const r: CheckReport = JSON.parse(readFileSync(join(out, 'check.json'), 'utf8'));
    expect(r.conditions.map((c) => [c.lambda, c.randomized, c.eot])).toEqual([
      [0, false, 1],
      [1, true, 2],
    ]);
    for (const c of r.conditions) {
      expect(c.report.checks.map((k) => k.id)).toEqual(['i', 'ii', 'iii', 'iv', 'v', 'vi']);
      expect(c.report.checks.find((k) => k.id === 'ii')!.passed).not.toBeNull();
      expect(c.report.curves.eps.length).toBeGreaterThan(3);
      expect(c.report.curves.steps.length).toBeGreaterThan(3);
    }
    for (const p of ['check-eps', 'check-steps']) expect(existsSync(join(out, `${p}.png`))).toBe(true);
    expect(readFileSync(join(out, 'check.md'), 'utf8')).toMatch(/\| \(iv\) .* \| (pass|\*\*FAIL\*\*) \|/);
  }, 240_000);

  it('takes a λ_th list, as eval does, and checks every (λ, λ_th) pair', async () => {
    const out = join(dataDir, 'c3');
    const { code } = await runCli('check', join(dataDir, 'float'), '--lambdas', '0.2', '--lambda-th', '0,0.5', '--out', out, '--data-dir', dataDir, '--no-verify', '--quiet', '--limit', '8');
    expect(code).toBe(0);
    const r: CheckReport = JSON.parse(readFileSync(join(out, 'check.json'), 'utf8'));
    // Eq. 6: λ = 0.2 is BN_A with λn 0.2 under λ_th 0, and BN_C with λn 0.4 under λ_th 0.5; both randomized.
    expect(r.conditions.map((c) => [c.lambda, c.lambdaTh, c.randomized])).toEqual([
      [0.2, 0, true],
      [0.2, 0.5, true],
    ]);
    expect(readFileSync(join(out, 'check.md'), 'utf8')).toContain('λ_th = 0.5');
  }, 120_000);

  it('--render re-makes check.md and the plots from check.json alone', async () => {
    const out = join(dataDir, 'c3');
    const before = readFileSync(join(out, 'check.json'), 'utf8');
    rmSync(join(out, 'check.md'));
    rmSync(join(out, 'check-eps.png'));
    const { code } = await runCli('check', out, '--render');
    expect(code).toBe(0);
    expect(existsSync(join(out, 'check-eps.png'))).toBe(true);
    expect(readFileSync(join(out, 'check.md'), 'utf8')).toContain('λ_th = 0.5');
    expect(JSON.parse(readFileSync(join(out, 'check.json'), 'utf8')).conditions).toEqual(JSON.parse(before).conditions);
    const spec = JSON.parse(readFileSync(join(out, 'check-steps.vl.json'), 'utf8'));
    // The K axis ends at the last measured K, not at a rounded-up 100.
    const ks = JSON.parse(before).conditions[0].report.curves.steps.map((p: { steps: number }) => p.steps);
    expect(spec.encoding.x.scale.domain).toEqual([Math.min(...ks), Math.max(...ks)]);
  }, 60_000);

  it('skips the transfer check without a source and says how to run it', async () => {
    const r = await runCheck(join(dataDir, 'float'), { dataDir, verify: false, quiet: true, lambdas: [0], limit: 8, out: join(dataDir, 'c2') });
    expect(r.conditions[0].report.checks.find((k) => k.id === 'ii')!.passed).toBeNull();
    expect(readFileSync(join(dataDir, 'c2', 'check.md'), 'utf8')).toMatch(/pass --source DIR/);
  }, 120_000);
});
