export { buildPlan, shardFile, type BuildPlanOptions, type PlanFlags } from './build';
export { readPlan, validatePlan } from './schema';
export { jobState, type JobState } from './job-state';
export { runLocal, type LocalOptions } from './local';
export { runSlurm, sbatchArgs, batchScript, type SlurmOptions } from './slurm';
export { k8sManifests, writeK8s, type K8sOptions } from './k8s';
export { EXECUTORS, planStatus, runPlan, writePlan, type Executor, type RunPlanOptions } from './run-plan';
export { execJob } from './exec-job';
export { STAGES, type DoneTest, type Plan, type PlanJob, type Stage } from './types';
