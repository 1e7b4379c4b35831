import './experiments';

export { paperClaims, familySeconds, SENSITIVITY_MIN_POINTS, PLATEAU_POINTS, ANALYTIC_TOLERANCE, type ClaimInputs } from './claims';
export { FIGURES, figureExperimentNames, OAT_SENSITIVITY_SETS, NOISE_RESCALE_LAMBDAS, curveAcrossSeeds } from './experiments';
export { figureSpec, writeFigurePlots } from './plots';
export { paperMarkdown } from './markdown';
export { PAPER_PARTS, PAPER_RULES, isFigureExperiment, renderFigure, renderPaper, runFigure, runPaper, writePaperReport, type PaperOptions } from './run-paper';
export { allOf, beats, comparison, fixed, MIN_SEEDS, notWorse, separate, worseSomewhere, type Comparison, type Decision, type Separation, type Verdict } from './verdicts';
export type { FigureData, FigurePoint, FigureReport, PaperClaim, PaperPart, PaperReport } from './types';
