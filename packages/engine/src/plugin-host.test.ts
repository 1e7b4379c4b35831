import { describe, expect, it } from 'vitest';
import { WEIGHT_PHASE, type LossMixHook, type Plugin, type PreparedLoss, type WrappingLossMixHook } from './plugin';
import { isWrappingLossMix, PluginHost } from './plugin-host';

/** A loss mix that records its name when prepared; the trace shows how mixes were composed. */
function base(name: string, trace: string[]): Plugin {
  return { name, lossMix: { prepare: () => (trace.push(name), stubLoss()) } };
}

function wrapper(name: string, trace: string[]): Plugin {
  const hook: WrappingLossMixHook = {
    prepare: () => (trace.push(`${name}(own)`), stubLoss()),
    wrap: (inner: LossMixHook) => ({
      prepare(ctx) {
        trace.push(`${name}>`);
        const p = inner.prepare(ctx);
        trace.push(`<${name}`);
        return p;
      },
    }),
  };
  return { name, lossMix: hook };
}

function stubLoss(): PreparedLoss {
  return { loss: () => { throw new Error('not called'); }, dispose() {} };
}

const ctx = {} as Parameters<LossMixHook['prepare']>[0];

describe('PluginHost loss mixes', () => {
  it('a wrapping loss mix runs around the base mix, wherever either is listed', () => {
    for (const order of [0, 1]) {
      const trace: string[] = [];
      const plugins = [base('base', trace), wrapper('loop', trace)];
      const host = new PluginHost(order ? plugins.reverse() : plugins);
      host.lossMix!.prepare(ctx);
      expect(trace).toEqual(['loop>', 'base', '<loop']);
    }
  });

  it('wrappers compose in recipe order (the first listed is innermost)', () => {
    const trace: string[] = [];
    const host = new PluginHost([wrapper('a', trace), base('base', trace), wrapper('b', trace)]);
    host.lossMix!.prepare(ctx);
    expect(trace).toEqual(['b>', 'a>', 'base', '<a', '<b']);
  });

  it('without a base mix the innermost wrapper runs its own prepare', () => {
    const trace: string[] = [];
    new PluginHost([wrapper('a', trace), wrapper('b', trace)]).lossMix!.prepare(ctx);
    expect(trace).toEqual(['b>', 'a(own)', '<b']);
    expect(new PluginHost([]).lossMix).toBeUndefined();
  });

  it('still rejects two base loss mixes; wrappers do not count', () => {
    const t: string[] = [];
    expect(() => new PluginHost([base('x', t), base('y', t), wrapper('w', t)])).toThrow(/recipe has 2 loss mixes \(x, y\); expected at most one/);
    expect(isWrappingLossMix(wrapper('w', t).lossMix!)).toBe(true);
    expect(isWrappingLossMix(base('x', t).lossMix!)).toBe(false);
  });
});

describe('PluginHost weight transforms', () => {
  it('run in WEIGHT_PHASE order whatever the recipe order, a transform without an order at the noise phase', () => {
    expect(WEIGHT_PHASE.beforeNoise < WEIGHT_PHASE.noise && WEIGHT_PHASE.noise < WEIGHT_PHASE.afterNoise && WEIGHT_PHASE.afterNoise < WEIGHT_PHASE.reshape).toBe(true);
    const trace: string[] = [];
    const at = (name: string, order?: number): Plugin => ({
      name,
      weightTransform: { ...(order === undefined ? {} : { order }), apply: (w) => (trace.push(name), w) },
    });
    const plugins = [at('slice', WEIGHT_PHASE.reshape), at('mask-after', WEIGHT_PHASE.afterNoise), at('noise'), at('mask-before', WEIGHT_PHASE.beforeNoise)];
    for (const list of [plugins, [...plugins].reverse()]) {
      trace.length = 0;
      new PluginHost(list).transformWeight({} as never, {} as never, {} as never);
      expect(trace).toEqual(['mask-before', 'noise', 'mask-after', 'slice']);
    }
  });
});
