import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { afterEach, describe, expect, it } from 'vitest';
import { loadNativeKernels } from '@floatjs/native-kernels';
import { NO_GPU_DETAIL, selectBackend } from './backend';

describe('selectBackend', () => {
  it('honours an explicit request and records why', async () => {
    const b = await selectBackend('cpu', {});
    expect(b).toMatchObject({ name: 'cpu', package: '@tensorflow/tfjs-backend-cpu', reason: 'flag' });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('reads FLOAT_BACKEND when no flag is given; the flag wins over it', async () => {
    expect(await selectBackend(undefined, { FLOAT_BACKEND: 'wasm' })).toMatchObject({ name: 'wasm', reason: 'env' });
    expect(tf.getBackend()).toBe('wasm');
    expect(await selectBackend('cpu', { FLOAT_BACKEND: 'wasm' })).toMatchObject({ name: 'cpu', reason: 'flag' });
  });

  it('auto falls back from tensorflow to wasm here, saying why tensorflow was skipped', async () => {
    const b = await selectBackend(undefined, {});
    expect(b.reason).toBe('auto');
    if (b.name !== 'tensorflow') {
      expect(b.name).toBe('wasm');
      expect(b.skipped[0]).toMatchObject({ name: 'tensorflow' });
      expect(b.skipped[0].error).toMatch(/tfjs-node/);
    }
  });

  it('rejects unknown names, naming the source and the choices', async () => {
    await expect(selectBackend('tpu', {})).rejects.toThrow('--backend: unknown backend "tpu"; expected one of auto, tensorflow, webgpu, wasm, cpu');
    await expect(selectBackend(undefined, { FLOAT_BACKEND: 'gpu' })).rejects.toThrow(/FLOAT_BACKEND: unknown backend "gpu"/);
  });

  it('an explicit tensorflow request fails loudly instead of silently using another backend', async () => {
    const hasNode = await import('@tensorflow/tfjs-node-gpu' as string).then(() => true, () => false);
    if (!hasNode) await expect(selectBackend('tensorflow', {})).rejects.toThrow(/no usable tfjs backend \(tensorflow: neither @tensorflow\/tfjs-node-gpu nor @tensorflow\/tfjs-node is installed/);
  });

  it('registers the native kernels on wasm and cpu by default, and reports their instruction set, threads, Winograd and source', async (ctx) => {
    const load = loadNativeKernels();
    if (!load.ok) return ctx.skip();
    const b0 = { isa: load.kernels.isa() };
    for (const name of ['wasm', 'cpu']) {
      const b = await selectBackend(name, { FLOAT_THREADS: '2' });
      expect(b.native).toEqual({ isa: load.kernels.isa(), threads: 2, winograd: true, source: load.source });
    }
    const generic = await selectBackend('cpu', { FLOAT_NATIVE_ISA: 'generic', FLOAT_THREADS: '1', FLOAT_NATIVE_WINOGRAD: 'off' });
    expect(generic.native).toEqual({ isa: 'generic', threads: 1, winograd: false, source: load.source });
    expect(load.kernels.winograd()).toBe(false);
    expect((await selectBackend('cpu', {})).native?.isa).toBe(b0.isa);
  });

  it('FLOAT_NATIVE=off keeps the JS/wasm kernels; bad FLOAT_NATIVE, FLOAT_NATIVE_ISA and FLOAT_NATIVE_WINOGRAD values are named', async () => {
    const off = await selectBackend('wasm', { FLOAT_NATIVE: 'off' });
    expect(off.native).toBeUndefined();
    expect(off.skipped.map((s) => s.name)).not.toContain('native-kernels');
    await expect(selectBackend('cpu', { FLOAT_NATIVE: 'yes' })).rejects.toThrow('FLOAT_NATIVE: expected one of auto, on, off, got "yes"');
    await expect(selectBackend('cpu', { FLOAT_NATIVE_ISA: 'sse9' })).rejects.toThrow('FLOAT_NATIVE_ISA: expected one of avx512, avx2, generic, got "sse9"');
    if (loadNativeKernels().ok) await expect(selectBackend('cpu', { FLOAT_NATIVE_WINOGRAD: '1' })).rejects.toThrow('FLOAT_NATIVE_WINOGRAD: expected on or off, got "1"');
  });
});

describe('the tensorflow backend says whether TensorFlow found a GPU', () => {
  /** A stand-in for tfjs-node(-gpu): registers a cpu backend as `tensorflow` with TensorFlow's device answer. */
  const fakeTfjsNode = (gpu: boolean, only: string) => (pkg: string) => {
    if (pkg !== only) throw new Error(`Cannot find module '${pkg}'`);
    tf.registerBackend('tensorflow', () => Object.assign(new MathBackendCPU(), { isUsingGpuDevice: gpu, isGPUPackage: pkg.endsWith('-gpu') }));
  };
  afterEach(async () => {
    tf.removeBackend('tensorflow');
    await selectBackend('cpu', {});
  });

  it('tfjs-node-gpu that finds no GPU device is recorded as on the CPU, with the CUDA 11.2 / cuDNN 8.1 reason', async () => {
    const b = await selectBackend('tensorflow', {}, { require: fakeTfjsNode(false, '@tensorflow/tfjs-node-gpu') });
    expect(b).toMatchObject({ name: 'tensorflow', package: '@tensorflow/tfjs-node-gpu', device: { gpu: false, detail: NO_GPU_DETAIL } });
    expect(NO_GPU_DETAIL).toMatch(/runs on the CPU.*CUDA 11\.2 and cuDNN 8\.1.*libcudart\.so\.11\.0/);
  });

  it('a GPU device, and plain tfjs-node, are recorded as such', async () => {
    expect((await selectBackend('tensorflow', {}, { require: fakeTfjsNode(true, '@tensorflow/tfjs-node-gpu') })).device).toEqual({ gpu: true, detail: 'TensorFlow runs on a GPU device' });
    tf.removeBackend('tensorflow');
    const cpu = await selectBackend('tensorflow', {}, { require: fakeTfjsNode(false, '@tensorflow/tfjs-node') });
    expect(cpu).toMatchObject({ package: '@tensorflow/tfjs-node', device: { gpu: false, detail: 'TensorFlow on the CPU (@tensorflow/tfjs-node)' } });
  });
});
