export { floatNoise, weightStd, ALPHA, type FloatNoiseOptions } from './noisy-weight';
export { dualNorm } from './dual-norm';
export { floatLossMix, type FloatLossOptions } from './loss-mix';
export { mapLambda, type FloatSetting } from './lambda-map';
export { float, type FloatOptions } from './recipe';
export { floatKit, floatSettings } from './kit';
