import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

const require = createRequire(import.meta.url);

/** The part of tfjs-backend-webgpu's WebGPUBackend that a synchronous read uses. */
interface WebGPUBackendLike {
  tensorMap: { get(id: object): { values?: unknown; dtype: tf.DataType; resource?: GPUBufferLike } };
  bufferManager: { acquireBuffer(size: number, usage: number): GPUBufferLike; releaseBuffer(b: GPUBufferLike): void };
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  commandEncoder: { copyBufferToBuffer(a: GPUBufferLike, ao: number, b: GPUBufferLike, bo: number, size: number): void };
  submitQueue(): void;
  convertAndCacheOnCPU(id: object, values: tf.backend_util.BackendValues): void;
  readSync(id: object): tf.backend_util.BackendValues;
}
interface GPUBufferLike {
  size: number;
  mapState: string;
  mapAsync(mode: number): Promise<void>;
  getMappedRange(): ArrayBuffer;
  unmap(): void;
}

const PATCHED = Symbol.for('floatjs.webgpuSyncRead');
/** GPUBufferUsage.COPY_DST | MAP_READ and GPUMapMode.READ: fixed by the WebGPU spec. */
const COPY_DST = 0x0008;
const MAP_READ = 0x0001;
const MODE_READ = 0x0001;
const READ_TIMEOUT_MS = 120_000;

/**
 * tfjs-backend-webgpu's readSync (behind dataSync/arraySync, which floatjs's trainer and attacks use) reads
 * through OffscreenCanvas, which Node lacks, and WebGPU has no synchronous map. This replaces it with the
 * async path's copy to a staging buffer, then waits for the map by running one libuv loop turn at a time
 * (deasync's `run` = uv_run(UV_RUN_ONCE)): dawn.node processes Dawn's events on that loop and sets the
 * buffer's mapState before the promise settles, so this works inside promise continuations too. Timers and
 * I/O callbacks may run during such a read, as they would during an await.
 */
export function patchSyncRead(WebGPUBackend: { prototype: object }): void {
  const proto = WebGPUBackend.prototype as WebGPUBackendLike & { [PATCHED]?: boolean };
  if (proto[PATCHED]) return;
  const runOnce = loadRunOnce();
  const original = proto.readSync;
  proto.readSync = function (this: WebGPUBackendLike, dataId: object) {
    const d = this.tensorMap.get(dataId);
    if (d.values != null || d.dtype === 'string' || d.dtype === 'complex64' || !d.resource) return original.call(this, dataId);
    const size = d.resource.size;
    const staging = this.bufferManager.acquireBuffer(size, COPY_DST | MAP_READ);
    this.ensureCommandEncoderReady();
    this.endComputePassEncoder();
    this.commandEncoder.copyBufferToBuffer(d.resource, 0, staging, 0, size);
    this.submitQueue();
    let failed: Error | undefined;
    staging.mapAsync(MODE_READ).catch((e: Error) => {
      failed = e;
    });
    const deadline = performance.now() + READ_TIMEOUT_MS;
    while (staging.mapState !== 'mapped') {
      if (failed || staging.mapState === 'unmapped' || performance.now() > deadline) {
        throw new Error(`webgpu: a synchronous read failed (${failed?.message ?? `buffer ${staging.mapState}`})`);
      }
      runOnce();
    }
    const bytes = staging.getMappedRange().slice(0);
    staging.unmap();
    this.bufferManager.releaseBuffer(staging);
    const values = tf.util.convertBackendValuesAndArrayBuffer(bytes, d.dtype);
    this.convertAndCacheOnCPU(dataId, values);
    return values;
  };
  proto[PATCHED] = true;
}

/** deasync's native uv_run(UV_RUN_ONCE): its prebuilt binary for this Node ABI, or the one it compiled. */
function loadRunOnce(): () => void {
  let dir: string;
  try {
    dir = dirname(require.resolve('deasync/package.json'));
  } catch {
    throw new Error('webgpu: synchronous reads need the optional package deasync (npm install deasync)');
  }
  const [major, minor] = process.versions.node.split('.');
  const prefix = `${process.platform}-${process.arch}-node-`;
  const candidates = [join(dir, 'bin', `${prefix}${major}.${minor}`, 'deasync.node'), join(dir, 'bin', `${prefix}${major}`, 'deasync.node'), join(dir, 'build', 'Release', 'deasync.node')];
  for (const file of candidates) {
    try {
      const run = (require(file) as { run?: () => void }).run;
      if (typeof run === 'function') return run;
    } catch {
      // The next candidate.
    }
  }
  throw new Error(`webgpu: deasync has no binary for ${prefix}${major} (tried ${candidates.join(', ')})`);
}
