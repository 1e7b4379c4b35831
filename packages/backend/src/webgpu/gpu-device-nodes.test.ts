import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../backend';
import { hasGpuDeviceNodes, initWebGPU } from './init-webgpu';

const devDir = (files: string[]) => {
  const dev = mkdtempSync(join(tmpdir(), 'float-dev-'));
  for (const f of files) {
    mkdirSync(join(dev, f, '..'), { recursive: true });
    writeFileSync(join(dev, f), '');
  }
  return dev;
};

describe('the automatic choice and webgpu', () => {
  it('on Linux, looks for a GPU device node (DRM render node or NVIDIA) before loading Dawn', () => {
    expect(hasGpuDeviceNodes('linux', devDir([]))).toBe(false);
    expect(hasGpuDeviceNodes('linux', devDir(['dri/card0']))).toBe(false);
    expect(hasGpuDeviceNodes('linux', devDir(['dri/renderD128']))).toBe(true);
    expect(hasGpuDeviceNodes('linux', devDir(['nvidiactl', 'nvidia0']))).toBe(true);
    // Elsewhere (Metal, D3D12) Dawn itself is asked.
    expect(hasGpuDeviceNodes('darwin', devDir([]))).toBe(true);
  });

  it('auto refuses webgpu without a GPU device, with the reason, and before touching Dawn', async () => {
    await expect(initWebGPU({}, false, false)).rejects.toThrow('webgpu: no GPU device on this machine (/dev/dri/renderD*, /dev/nvidia*)');
  });

  // On a machine with a GPU the webgpu group runs instead.
  it.skipIf(hasGpuDeviceNodes())('auto on a machine without one skips webgpu and says why in the record', async () => {
    const choice = await selectBackend(undefined, {});
    expect(choice.name).not.toBe('webgpu');
    expect(choice.skipped.find((s) => s.name === 'webgpu')?.error).toMatch(/^webgpu: no GPU device/);
  });

  it('FLOAT_BACKEND and --backend accept webgpu by name', async () => {
    await expect(selectBackend('webgpuu')).rejects.toThrow('--backend: unknown backend "webgpuu"; expected one of auto, tensorflow, webgpu, wasm, cpu');
  });
});
