import { conditionKey } from '@floatjs/engine';
import { describe, expect, it } from 'vitest';
import { getMethod, methodNames } from './methods';
import { buildModel } from './recipe';
import { selectBackend } from '@floatjs/backend';

describe('methods', () => {
  it('lists the issue-2 methods', () => {
    expect(methodNames()).toEqual(expect.arrayContaining(['standard', 'pgd-at', 'float']));
  });

  it('float evaluates 8 (λ, λ_th) pairs of which 6 configure the model differently', () => {
    const settings = getMethod('float').settings([0, 0.2, 0.7, 1], [0, 0.5]);
    expect(settings).toHaveLength(8);
    expect(new Set(settings.map((s) => conditionKey(s.cond))).size).toBe(6);
    const at = (l: number, th: number) => settings.find((s) => s.lambda === l && s.lambdaTh === th)!;
    expect(at(0, 0).cond).toMatchObject({ norm: 'clean', lambdaN: 0 });
    expect(at(0, 0).randomized).toBe(false);
    expect(at(0.2, 0).cond).toMatchObject({ norm: 'adv', lambdaN: 0.2 });
    expect(at(0.2, 0.5).cond).toMatchObject({ norm: 'clean', lambdaN: 0.4 });
    expect(at(0.7, 0.5).cond.norm).toBe('adv');
    expect(at(0.7, 0.5).cond.lambdaN).toBeCloseTo(0.4, 12);
    expect(at(1, 0.5).cond).toMatchObject({ norm: 'adv', lambdaN: 1 });
    expect(at(1, 0.5).randomized).toBe(true);
  });

  it('fixed models have one deterministic setting', () => {
    for (const m of ['standard', 'pgd-at']) {
      const s = getMethod(m).settings([0, 1], [0]);
      expect(s).toHaveLength(1);
      expect(s[0]).toMatchObject({ lambda: null, randomized: false });
    }
  });

  it('an unknown method names the flag and the choices', () => {
    expect(() => getMethod('oatt')).toThrow(/--method: unknown method "oatt"; expected one of: standard, pgd-at, float/);
  });

  it('floats-i and floats-c are FLOAT plus a pruning plugin, evaluated like FLOAT', async () => {
    await selectBackend('cpu');
    const input = { height: 28, width: 28, channels: 1, numClasses: 10 };
    for (const [name, plugin] of [['floats-i', 'sparse-momentum'], ['floats-c', 'channel-prune']]) {
      const model = buildModel({ method: name, methodOptions: {}, architecture: 'cnn-s', input, seed: 1, training: { epochs: 2 } });
      expect(model.host.describe().map((p) => p.name)).toEqual(['float-noise', 'dual-norm', 'float-loss', plugin]);
      model.dispose();
      expect(getMethod(name).settings([0, 1], [0, 0.5])).toEqual(getMethod('float').settings([0, 1], [0, 0.5]));
    }
  });

  it('oat is evaluated at the λs of the set its recipe records (methodOptions.lambdas), else at those of OAT’s default set', () => {
    const lambdasOf = (name: string, o?: Record<string, unknown>) => getMethod(name).settings([0, 0.2, 0.7, 1], [0, 0.5], o).map((s) => s.lambda);
    expect(lambdasOf('oat')).toEqual([0, 0.2, 1]);
    expect(lambdasOf('oat', {})).toEqual([0, 0.2, 1]);
    expect(lambdasOf('oat', { lambdas: [0, 0.2, 0.7, 1] })).toEqual([0, 0.2, 0.7, 1]);
    // The slimmable variant passes the set on, at every width.
    expect(lambdasOf('oat-slim', { lambdas: [0, 0.2, 0.7, 1] })).toEqual([0, 0.2, 0.7, 1, 0, 0.2, 0.7, 1]);
    // FLOAT has no λ set: its options change nothing.
    expect(getMethod('float').settings([0, 1], [0], { lambdas: [0] })).toEqual(getMethod('float').settings([0, 1], [0]));
  });
});
