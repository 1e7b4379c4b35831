import * as tf from '@tensorflow/tfjs-core';

const stock = new Map<string, tf.KernelConfig | null>();

/**
 * The backend's own kernel for `kernelName`, as it was before floatjs first replaced it (null if the
 * backend has none). Replacements call it for cases they do not cover, and it is what switching the
 * replacements off restores.
 */
export function stockKernel(kernelName: string, backendName: string): tf.KernelConfig | null {
  const key = `${kernelName}/${backendName}`;
  if (!stock.has(key)) stock.set(key, tf.getKernel(kernelName, backendName) ?? null);
  return stock.get(key)!;
}

/** Registers `config`, replacing whatever is registered under its name (the stock kernel is kept). */
export function replaceKernel(config: tf.KernelConfig): void {
  stockKernel(config.kernelName, config.backendName);
  if (tf.getKernel(config.kernelName, config.backendName)) tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
}

/** Puts the stock kernel back (or none, if the backend had none). */
export function restoreStockKernel(kernelName: string, backendName: string): void {
  const original = stockKernel(kernelName, backendName);
  if (tf.getKernel(kernelName, backendName)) tf.unregisterKernel(kernelName, backendName);
  if (original) tf.registerKernel(original);
}
