import { describe, expect, it } from 'vitest';
import type { EvalReport, EvalRow } from '../commands/evaluate';
import { evalTable } from '../report/table';
import { headlineRobustness } from './headline';

const aa = { ra: 47.3, raStd: 0.6, raDraws: [47, 47.5, 47.4] };
const pgd = { ra: 45.1, raStd: 0.7, raDraws: [45, 45.8, 44.5] };

describe('headlineRobustness', () => {
  it('takes the lower re-drawn mean of autoattack-rand and PGD EOT ≥ 10 and names it', () => {
    const h = headlineRobustness({ attack: 'autoattack-rand', eot: 20, drawn: aa, singleDraw: 43, companion: { attack: 'pgd-20', eot: 10, drawn: pgd } });
    expect(h.headline).toBe('pgd-20 EOT 10');
    expect(h.robust).toEqual(pgd);
    expect(h.verdicts!.singleDraw).toEqual({ attack: 'autoattack-rand', ra: 43 });
    expect(h.verdicts!.redrawn.map((v) => [v.attack, v.eot, v.ra])).toEqual([
      ['autoattack-rand', 20, 47.3],
      ['pgd-20 EOT 10', 10, 45.1],
    ]);
    expect(h.verdicts!.summary).toMatch(/autoattack-rand single-draw verdict 43\.0 %.*re-drawn 47\.3 ± 0\.6 % \(3 draws.*pgd-20 EOT 10 re-drawn 45\.1 ± 0\.7 %.*headline RA: pgd-20 EOT 10/);
    const lower = headlineRobustness({ attack: 'autoattack-rand', eot: 20, drawn: pgd, companion: { attack: 'pgd-20', eot: 10, drawn: aa } });
    expect(lower.headline).toBe('autoattack-rand');
    expect(lower.robust).toEqual(pgd);
  });

  it('a tie keeps the attack asked for; a single attack without verdicts is its own headline', () => {
    expect(headlineRobustness({ attack: 'autoattack-rand', eot: 20, drawn: aa, companion: { attack: 'pgd-20', eot: 10, drawn: aa } }).headline).toBe('autoattack-rand');
    const plain = headlineRobustness({ attack: 'pgd-20', eot: 2, drawn: pgd });
    expect(plain).toEqual({ robust: pgd, headline: 'pgd-20' });
  });

  it('evalTable names the headline attack in the RA cell and lists both verdicts under the table', () => {
    const h = headlineRobustness({ attack: 'autoattack-rand', eot: 20, drawn: aa, singleDraw: 43, companion: { attack: 'pgd-20', eot: 10, drawn: pgd } });
    const row: EvalRow = {
      lambda: 1,
      lambdaTh: 0,
      norm: 'adv',
      lambdaN: 1,
      width: 1,
      ca: 76,
      caStd: 0.5,
      ...h.robust,
      draws: 3,
      attack: 'autoattack-rand',
      headline: h.headline,
      verdicts: h.verdicts,
      randomized: true,
      eot: 20,
      seconds: 1,
    };
    const report = { method: 'float', attack: { name: 'autoattack-rand' }, rows: [row] } as unknown as EvalReport;
    const table = evalTable(report);
    expect(table).toMatch(/RA % \(AUTOATTACK-RAND; randomized rows: lower of it and PGD EOT ≥ 10\)/);
    expect(table).toMatch(/\| 45\.1 ± 0\.7 \(pgd-20 EOT 10\) \|/);
    expect(table).toMatch(/- λ=1 λ_th=0: autoattack-rand single-draw verdict 43\.0 %/);
  });
});
