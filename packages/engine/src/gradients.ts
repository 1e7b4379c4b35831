// tfjs-core registers no gradient functions by itself, and the file that does is ESM-only, which Node
// cannot load from tfjs-core's CommonJS package. The build bundles it (tsup `noExternal`), exactly as
// the @tensorflow/tfjs union package does; tfjs keeps its registries and engine on globalThis, so the
// bundled copy registers into the same registry the installed tfjs-core reads.
// tfjs-core itself must load first: whichever copy loads first creates the shared engine, and only the
// package entry point installs the op handler that tensor methods (e.g. `cast`) need.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { batchNormTrainGradient } from './ops/batch-norm-train';
import { foldNormGradient } from './ops/fold-norm';
import { fusedConvAddGradient, fusedConvGradient } from './ops/fused-conv';

// The gradients of the engine's own kernels (their implementations come from a backend package).
for (const config of [fusedConvGradient, fusedConvAddGradient, foldNormGradient, batchNormTrainGradient]) if (!tf.getGradient(config.kernelName)) tf.registerGradient(config);
