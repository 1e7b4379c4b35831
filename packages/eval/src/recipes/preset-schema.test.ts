import { describe, expect, it } from 'vitest';
import { getPreset, presetNames, registerPreset, type Preset } from './presets';

const base = getPreset('fmnist-quick');

describe('registerPreset checks every field against the preset schema', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['a negative learning rate', { lr: -1 }, 'field "lr": expected a positive number, found -1'],
    ['zero epochs', { epochs: 0 }, 'field "epochs": expected a positive integer, found 0'],
    ['a string batch size', { batchSize: '128' }, 'field "batchSize": expected a positive integer, found "128"'],
    ['momentum of 1', { momentum: 1 }, 'field "momentum": expected a number in [0, 1), found 1'],
    ['an unknown schedule', { schedule: 'linear' }, 'field "schedule": expected "cosine" or "constant", found "linear"'],
    ['a fractional train limit', { trainLimit: 10.5 }, 'field "trainLimit": expected a positive integer, found 10.5'],
    ['a training attack without steps', { trainAttack: { eps: 0.1, stepSize: 0.01, randomStart: true } }, 'field "trainAttack.steps": expected a positive integer, found nothing (the field is missing)'],
    ['a λ past 1', { eval: { ...base.eval, lambdas: [0, 2] } }, 'field "eval.lambdas[1]": expected a number in [0, 1], found 2'],
    ['no λ_th', { eval: { ...base.eval, lambdaThs: [] } }, 'field "eval.lambdaThs": expected a non-empty array of numbers in [0, 1), found an array of 0 items'],
    ['a NaN weight decay', { weightDecay: Number.NaN }, 'field "weightDecay": expected a number ≥ 0, found NaN'],
  ];
  for (const [what, change, message] of cases) {
    it(`names the preset, the field and what was expected: ${what}`, () => {
      const name = `bad-${what.replace(/\W+/g, '-')}`;
      expect(() => registerPreset({ ...base, name, ...change } as Preset)).toThrow(`preset "${name}": ${message}`);
      expect(presetNames()).not.toContain(name);
    });
  }

  it('a preset without a usable name, or not an object', () => {
    expect(() => registerPreset({ ...base, name: '' })).toThrow('preset: field "name": expected a name of 1 to 200 characters, found ""');
    expect(() => registerPreset(null as unknown as Preset)).toThrow('preset: expected a preset object, found null');
  });

  it('accepts a valid preset with extra fields', () => {
    registerPreset({ ...base, name: 'schema-ok', note: 'extra' } as Preset);
    expect(getPreset('schema-ok').lr).toBe(base.lr);
  });
});
