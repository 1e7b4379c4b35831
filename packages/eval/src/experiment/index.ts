export { experimentNames, getExperiment, registerExperiment, runLabel, PGD_AT_LAMBDAS, type ExperimentDef, type ExperimentRun } from './registry';
export { runExperiment, paperReference, familiesOf, type ExperimentOptions } from './run';
export { experimentMarkdown } from './markdown';
export { PLOTS, caRaSpec, delaySpec, latencySpec, renderSvg, storageSpec, svgToPng, trainTimeSpec, writePlots, type VegaLiteSpec } from './plots';
export type { DelaySummary, ExperimentFamily, ExperimentMethodResult, ExperimentReport, PaperReference } from './types';
export { SLIM_EXPORT_WIDTH } from './run';
export { slimTable1 } from './slim';
export type { SlimResult, SlimTable1Row } from './types';
