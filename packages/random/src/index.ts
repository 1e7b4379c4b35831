export { Rng, hashString, type NormalPairFill, type RngState, type UniformSource } from './rng';
export { boxMullerRadius, unitCircle } from './normal-math';
