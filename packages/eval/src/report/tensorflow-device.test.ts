import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', '..', 'dist', 'cli.js');
const workspaceModules = join(here, '..', '..', '..', '..', 'node_modules');
const root = mkdtempSync(join(tmpdir(), 'floatjs-tf-device-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * A stand-in for @tensorflow/tfjs-node-gpu on NODE_PATH (it cannot be installed here): it registers the cpu
 * backend (and its kernels) as `tensorflow`, and TensorFlow's device list, as tfjs-node reports it, holds no GPU.
 */
function fakeTfjsNodeGpu(): string {
  const dir = join(root, 'fake', '@tensorflow', 'tfjs-node-gpu');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node-gpu', version: '4.22.0', main: 'index.js' }));
  writeFileSync(
    join(dir, 'index.js'),
    "const tf = require('@tensorflow/tfjs-core'); const { MathBackendCPU } = require('@tensorflow/tfjs-backend-cpu');\n" +
      "tf.registerBackend('tensorflow', () => Object.assign(new MathBackendCPU(), { isUsingGpuDevice: false, isGPUPackage: true, firstUse: false }));\n" +
      "for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: 'tensorflow' });\n",
  );
  return join(root, 'fake');
}

describe('float train --backend tensorflow where tfjs-node-gpu finds no GPU', () => {
  it('records and prints that TensorFlow runs on the CPU, and why', () => {
    const r = spawnSync(
      process.execPath,
      [cli, 'train', '--preset', 'fmnist-quick', '--method', 'standard', '--epochs', '1', '--limit', '8', '--batch-size', '8', '--backend', 'tensorflow', '--out', join(root, 'run')],
      { encoding: 'utf8', env: { ...process.env, NODE_PATH: [fakeTfjsNodeGpu(), workspaceModules].join(':') }, timeout: 300_000 },
    );
    const events = r.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const backend = events.find((e) => e.event === 'backend');
    expect(backend, r.stderr).toMatchObject({ name: 'tensorflow', package: '@tensorflow/tfjs-node-gpu', device: { gpu: false } });
    expect((backend!.device as { detail: string }).detail).toMatch(/found no GPU device, so it runs on the CPU.*CUDA 11\.2 and cuDNN 8\.1/);
    expect(r.status, r.stderr).toBe(0);
  });
});
