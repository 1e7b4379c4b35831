import { describe, expect, it } from 'vitest';
import { condition, conditionKey } from './condition';

describe('conditionKey', () => {
  it('keeps the key of a plain condition as it was (evaluation seeds derive from it)', () => {
    expect(conditionKey(condition({ lambda: 0.7, lambdaN: 0.4, norm: 'adv' }))).toBe('adv|0.7|0.4|1');
    expect(conditionKey(condition({ width: 0.5 }))).toBe('clean|0|0|0.5');
  });

  it('tells apart two conditions that differ only in a plugin key', () => {
    const a = condition({ lambda: 0.2, 'film.lambdas': [0.1, 0.2] });
    const b = condition({ lambda: 0.2, 'film.lambdas': [0.1, 0.3] });
    const c = condition({ lambda: 0.2, 'other.scale': 2 });
    const keys = new Set([a, b, c, condition({ lambda: 0.2 })].map(conditionKey));
    expect(keys.size).toBe(4);
  });

  it('is stable: key order, typed vs plain arrays, nested key order and undefined values do not matter', () => {
    const a = conditionKey({ ...condition(), 'p.a': 1, 'p.b': { y: 2, x: [1, 2] }, 'p.c': undefined });
    const b = conditionKey({ 'p.b': { x: Float32Array.of(1, 2), y: 2 }, 'p.a': 1, ...condition() });
    expect(a).toBe(b);
    expect(conditionKey(condition({ 'p.a': 1 }))).not.toBe(conditionKey(condition({ 'p.a': '1' })));
  });

  it('tells a training forward from an inference one', () => {
    expect(conditionKey(condition({ training: true }))).not.toBe(conditionKey(condition()));
  });
});
