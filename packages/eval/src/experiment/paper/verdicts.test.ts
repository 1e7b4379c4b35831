import { describe, expect, it } from 'vitest';
import { stat } from '../seeds';
import { allOf, beats, comparison, fixed, notWorse, separate, worseSomewhere } from './verdicts';

const s = (...v: number[]) => stat(v);

describe('separate: the combined-std rule', () => {
  it('calls a difference larger than std(a) + std(b) higher or lower, and anything smaller a tie', () => {
    // means 80 and 76, stds 1 and 1: difference 4 > margin 2.
    expect(separate(s(79, 80, 81), s(75, 76, 77))).toBe('higher');
    expect(separate(s(75, 76, 77), s(79, 80, 81))).toBe('lower');
    // means 80 and 78.5, stds 1 and ~0.71: difference 1.5 < margin 1.71.
    expect(separate(s(79, 80, 81), s(78, 79))).toBe('tie');
  });
  it('is untestable with one seed on either side, however large the difference', () => {
    expect(separate(s(90), s(10, 11))).toBe('untestable');
    expect(separate(s(90, 91), s(10))).toBe('untestable');
  });
  it('counts a difference equal to the margin as a tie (strictly greater is needed)', () => {
    // means 2 and 0, stds 1 and 1: difference 2 = margin 2.
    expect(separate(s(1, 3), s(-1, 1))).toBe('tie');
  });
});

describe('claim decisions', () => {
  const hi = comparison('CA at λ = 0', s(80, 81, 82), s(70, 71, 72));
  const hiRa = comparison('RA at λ = 0', s(50, 51, 52), s(40, 41, 42));
  const tie = comparison('RA at λ = 1', s(50, 51, 52), s(50.5, 51.5, 52.5));
  const lo = comparison('RA at λ = 1', s(40, 41, 42), s(50, 51, 52));
  const one = comparison('CA at λ = 0.2', s(80), s(70));

  it('beats: reproduced only when no cell is lower and one is higher', () => {
    expect(beats([hi, tie]).verdict).toBe('reproduced');
    expect(beats([hi, lo]).verdict).toBe('not reproduced');
    expect(beats([hi, lo]).reason).toMatch(/RA at λ = 1/);
    expect(beats([tie]).verdict).toBe('not reproduced');
    expect(beats([tie]).reason).toMatch(/tie/);
    expect(beats([hi, one]).verdict).toBe('not testable at this scale');
    expect(beats([]).verdict).toBe('not testable at this scale');
  });
  it('beats with groups: CA and RA each need a higher cell', () => {
    const g = { groups: [(c: { what: string }) => c.what.startsWith('CA'), (c: { what: string }) => c.what.startsWith('RA')], groupNames: ['CA', 'RA'] };
    expect(beats([hi, tie], g).verdict).toBe('not reproduced');
    expect(beats([hi, tie], g).reason).toMatch(/no RA cell/);
    expect(beats([hi, hiRa, tie], g).verdict).toBe('reproduced');
  });
  it('notWorse and worseSomewhere are each other’s complement on testable cells', () => {
    expect(notWorse([hi, tie]).verdict).toBe('reproduced');
    expect(notWorse([hi, tie]).reason).toMatch(/not proof of equality/);
    expect(notWorse([tie, lo]).verdict).toBe('not reproduced');
    expect(worseSomewhere([tie, lo]).verdict).toBe('reproduced');
    expect(worseSomewhere([hi, tie]).verdict).toBe('not reproduced');
    expect(notWorse([one]).verdict).toBe('not testable at this scale');
    const wide = comparison('CA at λ = 1', s(70, 80, 90), s(70, 80, 90));
    expect(notWorse([wide]).verdict).toBe('reproduced');
    expect(notWorse([wide], { maxMargin: 5 }).verdict).toBe('not testable at this scale');
    const wideButHigher = comparison('CA at λ = 0', s(80, 90, 100), s(40, 41, 42));
    expect(notWorse([wideButHigher], { maxMargin: 5 }).verdict).toBe('reproduced');
  });
  it('allOf takes the weakest part: not reproduced before not testable before reproduced', () => {
    const ok = { name: 'a', decision: beats([hi]) };
    const na = { name: 'b', decision: beats([one]) };
    const no = { name: 'c', decision: beats([lo]) };
    expect(allOf([ok, ok]).verdict).toBe('reproduced');
    expect(allOf([ok, na]).verdict).toBe('not testable at this scale');
    expect(allOf([ok, na, no]).verdict).toBe('not reproduced');
    expect(allOf([ok, na, no]).reason).toMatch(/^c:/);
  });
  it('fixed quantities are compared exactly', () => {
    expect(fixed(true, 'x').verdict).toBe('reproduced');
    expect(fixed(false, 'x').verdict).toBe('not reproduced');
    expect(fixed(null, 'x').verdict).toBe('not testable at this scale');
  });
});
