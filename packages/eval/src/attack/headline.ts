import type { DrawnRobust } from './draw-accuracy';

/** The fewest EOT draws per step of the PGD that randomized autoattack-rand rows are checked against. */
export const HEADLINE_MIN_EOT = 10;

export const HEADLINE_RULE = 'lower re-drawn mean of autoattack-rand and PGD with EOT ≥ 10';

/** One attack's re-drawn verdict: mean ± std over the draws, percent. */
export interface RedrawnVerdict extends DrawnRobust {
  attack: string;
  eot: number;
}

/**
 * AutoAttack on a randomized condition. `singleDraw` is AutoAttack's own verdict: one fresh forward per
 * candidate, a point broken if any fooled it, so a point counts as broken on one lucky draw (flatters the
 * attack). `redrawn` are the figures that count: per draw, a point is robust only if the clean x and every
 * candidate of the attack are right in that draw (never judged on x once attacked).
 */
export interface RobustVerdicts {
  singleDraw?: { attack: string; ra: number };
  redrawn: RedrawnVerdict[];
  /** The attack whose re-drawn verdict is the row's `ra`. */
  headline: string;
  rule?: string;
  /** One line for people. */
  summary: string;
}

export interface HeadlineInput {
  attack: string;
  eot: number;
  drawn: DrawnRobust;
  /** AutoAttack's own single-draw verdict, when it kept candidates (randomized conditions). */
  singleDraw?: number;
  /** The PGD run beside autoattack-rand on randomized conditions. */
  companion?: { attack: string; eot: number; drawn: DrawnRobust };
}

const pm = (v: DrawnRobust) => `${v.ra.toFixed(1)} ± ${v.raStd.toFixed(1)} %`;

/** The row's robust figures and which attack they come from: the lower re-drawn mean (ties: the attack asked for). */
export function headlineRobustness(input: HeadlineInput): { robust: DrawnRobust; headline: string; verdicts?: RobustVerdicts } {
  const own: RedrawnVerdict = { attack: input.attack, eot: input.eot, ...input.drawn };
  const companion: RedrawnVerdict | undefined = input.companion && {
    attack: `${input.companion.attack} EOT ${input.companion.eot}`,
    eot: input.companion.eot,
    ...input.companion.drawn,
  };
  const best = companion && companion.ra < own.ra ? companion : own;
  const robust: DrawnRobust = { ra: best.ra, raStd: best.raStd, raDraws: best.raDraws };
  if (input.singleDraw === undefined && !companion) return { robust, headline: own.attack };
  const draws = own.raDraws.length;
  const parts = [
    ...(input.singleDraw !== undefined ? [`${own.attack} single-draw verdict ${input.singleDraw.toFixed(1)} % (AutoAttack's own: one fresh forward per candidate)`] : []),
    `${own.attack} re-drawn ${pm(own)} (${draws} draws, worst case across its attacks per draw)`,
    ...(companion ? [`${companion.attack} re-drawn ${pm(companion)}`, `headline RA: ${best.attack} (${HEADLINE_RULE})`] : []),
  ];
  return {
    robust,
    headline: best.attack,
    verdicts: {
      ...(input.singleDraw !== undefined ? { singleDraw: { attack: own.attack, ra: input.singleDraw } } : {}),
      redrawn: companion ? [own, companion] : [own],
      headline: best.attack,
      ...(companion ? { rule: HEADLINE_RULE } : {}),
      summary: parts.join('; '),
    },
  };
}
