// The recipes trained with the real method plugins (FLOAT, FLOATS, OAT) are in
// packages/integration/src/slimmable/recipes.test.ts.
import { condition } from '@floatjs/engine';
import { describe, expect, it } from 'vitest';
import { withWidths } from './recipe';

describe('recipes', () => {
  it('withWidths adds the width axis to evaluation settings', () => {
    const settings = [{ lambda: 0, cond: condition({ norm: 'clean' }) }, { lambda: 1, cond: condition({ norm: 'adv', lambda: 1, lambdaN: 1 }) }];
    const grid = withWidths(settings, [0.5, 1]);
    expect(grid.map((s) => [s.lambda, s.width, s.cond.width, s.cond.norm])).toEqual([
      [0, 1, 1, 'clean'],
      [1, 1, 1, 'adv'],
      [0, 0.5, 0.5, 'clean'],
      [1, 0.5, 0.5, 'adv'],
    ]);
    expect(settings[0].cond.width).toBe(1); // inputs untouched
  });
});
