import { getBackend, getKernel } from '@tensorflow/tfjs-core';

/**
 * The custom kernels the engine's ops run by name through tfjs's kernel registry, as tfjs-core's ops do.
 * A backend package (such as @floatjs/backend) registers implementations; where none is registered for the
 * active backend, each op computes the same function from stock tfjs ops.
 */

/** act(conv(x, filter) + bias): inputs x, filter, bias; attrs strides, pad, activation. */
export const FUSED_CONV = 'FloatFusedConv2D';
/** act(conv(x, filter) + bias + residual): inputs x, filter, bias, residual (the output's shape); attrs as FUSED_CONV. */
export const FUSED_CONV_ADD = 'FloatFusedConv2DAdd';
/** Inference batch norm folded into a conv: inputs filter, gamma, beta, mean, variance; attrs epsilon; outputs filter', shift. */
export const FOLD_NORM = 'FloatFoldNorm';
/** One SGD update (torch.optim.SGD): inputs w, grad, buf; attrs lr, momentum, weightDecay; outputs w', buf'. No gradient. */
export const SGD_STEP = 'FloatSgdStep';
/** Training batch norm over N·H·W: inputs x, gamma, beta; attrs epsilon; outputs y, mean, variance (biased). */
export const BATCH_NORM_TRAIN = 'FloatBatchNormTrain';
/** Its gradient: inputs x, gamma, dy, mean, variance; attrs epsilon; outputs dx, dGamma, dBeta. */
export const BATCH_NORM_TRAIN_GRAD = 'FloatBatchNormTrainGrad';
/** dy where y > 0, else 0: inputs dy, y. */
export const RELU_GRAD = 'FloatReluGrad';
/** N(0, std²) draws from a generator, as Rng.fillNormal gives them: no inputs; attrs shape, std, rng. */
export const SEEDED_NORMAL = 'FloatSeededNormal';

/** Whether the active backend has a registered implementation of `kernelName`. */
export function hasKernel(kernelName: string): boolean {
  return getKernel(kernelName, getBackend()) !== undefined;
}
