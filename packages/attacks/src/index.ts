export type { AttackFn, LogitsFn } from './types';
export { fgsm, type FgsmOptions } from './fgsm';
export { pgd, type PgdOptions } from './pgd';
export { accuracy, type BatchOptions } from './accuracy';
export { attackAccuracy, type AttackAccuracy } from './attack-accuracy';
export { crossEntropyPerSample } from './cross-entropy';
export { projectLinf } from './project-linf';
export { deriveSeed } from './seed';
