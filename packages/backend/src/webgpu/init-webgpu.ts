import * as tf from '@tensorflow/tfjs-core';
import { existsSync, readdirSync } from 'node:fs';
import { adapterLine, isSoftwareAdapter, type AdapterRecord } from './software-adapter';
import { patchSyncRead } from './sync-read';

export const WEBGPU_PACKAGES = 'webgpu @tensorflow/tfjs-backend-webgpu deasync';
/** Debian/Ubuntu packages behind Dawn's OpenGL path on a machine without a GPU (Mesa's llvmpipe). */
export const WEBGPU_SYSTEM_LIBS = 'libegl1 libegl-mesa0 libgl1-mesa-dri libegl-dev';

export interface WebGPUInit {
  pkg: string;
  device: { gpu: boolean; detail: string; adapter: AdapterRecord };
}

interface Attempt {
  dawn: string[];
  featureLevel: 'core' | 'compatibility';
}

interface DawnModule {
  create(options: string[]): GPULike;
  globals: Record<string, unknown>;
}
interface GPULike {
  requestAdapter(o: { featureLevel?: string; powerPreference?: string }): Promise<AdapterLike | null>;
}
interface AdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  features: { has(f: string): boolean };
  limits: Record<string, number>;
  requestDevice(d: { requiredFeatures: string[]; requiredLimits: Record<string, number> }): Promise<DeviceLike>;
}
interface DeviceLike {
  lost?: Promise<{ reason: string; message: string }>;
  addEventListener?(type: string, f: (e: { error?: { message?: string } }) => void): void;
  destroy(): void;
}

/**
 * Dawn's default backend (Vulkan, Metal or D3D12) first; for an explicit request also Dawn's OpenGL backend in
 * WebGPU's compatibility level, which is how Mesa's llvmpipe gives an adapter on a machine without a GPU.
 * FLOAT_WEBGPU_DAWN (comma-separated dawn.node options, e.g. `backend=vulkan`) replaces that list.
 */
function attempts(env: NodeJS.ProcessEnv, explicit: boolean, gpuNodes: boolean): Attempt[] {
  const own = env.FLOAT_WEBGPU_DAWN?.split(',').map((s) => s.trim()).filter((s) => s);
  if (own) return [{ dawn: own, featureLevel: 'core' }, { dawn: own, featureLevel: 'compatibility' }];
  const gl: Attempt = { dawn: ['backend=opengl'], featureLevel: 'compatibility' };
  // Without a GPU device Dawn's default (Vulkan on Linux) finds nothing and only prints why.
  if (!gpuNodes) return [gl];
  return explicit ? [{ dawn: [], featureLevel: 'core' }, gl] : [{ dawn: [], featureLevel: 'core' }];
}

/**
 * Whether this machine has a GPU device for Dawn to open. Only Linux is asked (/dev/dri/renderD*, NVIDIA's
 * /dev/nvidia*): there loading Dawn to find out costs time and prints Vulkan warnings on every CPU-only run.
 */
export function hasGpuDeviceNodes(platform: string = process.platform, dev = '/dev'): boolean {
  if (platform !== 'linux') return true;
  if (existsSync(`${dev}/nvidiactl`) || existsSync(`${dev}/nvidia0`)) return true;
  try {
    return readdirSync(`${dev}/dri`).some((f) => f.startsWith('renderD'));
  } catch {
    return false;
  }
}

/**
 * Starts tfjs-backend-webgpu on Dawn's Node binding (npm `webgpu`) and makes it the tfjs backend `webgpu`.
 * `explicit` (a --backend/FLOAT_BACKEND request) accepts any adapter, a CPU renderer included; the automatic
 * choice only takes a real GPU and throws otherwise, so llvmpipe never replaces the faster wasm path.
 */
export async function initWebGPU(env: NodeJS.ProcessEnv, explicit: boolean, gpuNodes = hasGpuDeviceNodes()): Promise<WebGPUInit> {
  if (!explicit && !gpuNodes && !env.FLOAT_WEBGPU_DAWN) throw new Error('webgpu: no GPU device on this machine (/dev/dri/renderD*, /dev/nvidia*)');
  // Without a display Mesa's EGL needs the surfaceless platform (else EGL_NOT_INITIALIZED); set before Dawn loads EGL.
  if (env.EGL_PLATFORM === undefined) process.env.EGL_PLATFORM = 'surfaceless';
  const dawn = await importOptional<DawnModule>('webgpu');
  // tfjs-backend-webgpu reads GPUBufferUsage, GPUMapMode, ... as globals, as in a browser.
  for (const [k, v] of Object.entries(dawn.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;

  const tried: string[] = [];
  let found: { gpu: GPULike; adapter: AdapterLike; attempt: Attempt } | undefined;
  for (const attempt of attempts(env, explicit, gpuNodes)) {
    const gpu = dawn.create(attempt.dawn);
    const adapter = await gpu.requestAdapter({ featureLevel: attempt.featureLevel, powerPreference: 'high-performance' });
    tried.push(`${attempt.dawn.join(' ') || 'Dawn default'} ${attempt.featureLevel}`);
    if (adapter) {
      found = { gpu, adapter, attempt };
      break;
    }
  }
  if (!found) {
    const hint = explicit ? `; without a GPU on Linux, Mesa's llvmpipe needs apt-get install ${WEBGPU_SYSTEM_LIBS}` : '';
    throw new Error(`webgpu: no adapter (tried ${tried.join(', ')})${hint}`);
  }
  const { gpu, adapter, attempt } = found;
  const info = adapter.info ?? {};
  const record: AdapterRecord = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    featureLevel: attempt.featureLevel,
    dawn: attempt.dawn,
    software: isSoftwareAdapter(info),
  };
  if (record.software && !explicit) throw new Error(`webgpu: the adapter is a software renderer (${adapterLine(record)}); auto never picks a CPU renderer (ask for --backend webgpu)`);

  // tfjs-backend-webgpu's constructor needs navigator.gpu, which Node 20 lacks; its module body registers a
  // stock factory that asks for a core adapter (none on llvmpipe), so ours, with this device, replaces it.
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  if (nav === undefined) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  else if (!nav.gpu) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  const { WebGPUBackend } = await importOptional<{ WebGPUBackend: new (device: unknown, info: unknown) => tf.KernelBackend }>('@tensorflow/tfjs-backend-webgpu');
  patchSyncRead(WebGPUBackend);
  const device = await adapter.requestDevice({ requiredFeatures: ['timestamp-query'].filter((f) => adapter.features.has(f)), requiredLimits: limitsOf(adapter) });
  device.lost?.then((l) => {
    if (l.reason !== 'destroyed') process.stderr.write(`webgpu: device lost (${l.reason}): ${l.message}\n`);
  });
  device.addEventListener?.('uncapturederror', (e) => process.stderr.write(`webgpu: uncaptured error: ${e.error?.message ?? 'unknown'}\n`));
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new WebGPUBackend(device, info), 3);
  if (!(await tf.setBackend('webgpu'))) throw new Error('webgpu: the backend failed to initialise');
  const detail = record.software
    ? `WebGPU on a software renderer, i.e. on the CPU: ${adapterLine(record)} (a correctness path; wasm is faster here)`
    : `WebGPU on ${adapterLine(record)}`;
  return { pkg: '@tensorflow/tfjs-backend-webgpu', device: { gpu: !record.software, detail, adapter: record } };
}

/** The adapter's own maxima (tfjs asks for the same; Dawn's defaults are lower, e.g. 128 MiB bindings). */
function limitsOf(adapter: AdapterLike): Record<string, number> {
  const keys = ['maxComputeWorkgroupStorageSize', 'maxComputeWorkgroupsPerDimension', 'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup'];
  return Object.fromEntries(keys.filter((k) => typeof adapter.limits[k] === 'number').map((k) => [k, adapter.limits[k]]));
}

async function importOptional<T>(pkg: string): Promise<T> {
  try {
    return (await import(pkg)) as T;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') throw new Error(`webgpu: the optional package ${pkg} is not installed (npm install ${WEBGPU_PACKAGES})`, { cause: err });
    throw err;
  }
}
