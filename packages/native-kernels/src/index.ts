import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPrebuilt } from './prebuilt';

export { compareVersions, findPrebuilt, glibcVersion, prebuildKey, type PrebuildManifest } from './prebuilt';

/** Instruction sets the kernels are compiled for; `generic` is portable C++ vectors (SSE2 or NEON). */
export type NativeIsa = 'avx512' | 'avx2' | 'generic';
export const NATIVE_ISAS: readonly NativeIsa[] = ['avx512', 'avx2', 'generic'];

/**
 * One 2-D convolution: NHWC input [batch, inHeight, inWidth, inChannels], filter [filterHeight,
 * filterWidth, inChannels, outChannels] (TensorFlow's layout), output [batch, outHeight, outWidth,
 * outChannels]. Padding below and right of the image is implied by the output size.
 */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
}

const GEOMETRY_FIELDS: ReadonlyArray<keyof ConvGeometry> = [
  'batch', 'inHeight', 'inWidth', 'inChannels', 'outHeight', 'outWidth', 'outChannels', 'filterHeight',
  'filterWidth', 'strideHeight', 'strideWidth', 'dilationHeight', 'dilationWidth', 'padTop', 'padLeft',
];

/** The geometry as the addon takes it: 15 int32 fields in ConvGeometry's order. */
export function packGeometry(g: ConvGeometry): Int32Array {
  for (const k of GEOMETRY_FIELDS) {
    // Int32Array would wrap 2^32 + 3 to 3 silently; the addon checks the rest (ranges, output size, overflow).
    if (!Number.isInteger(g[k]) || g[k] < -0x80000000 || g[k] > 0x7fffffff) throw new Error(`geometry.${k}: expected a 32-bit integer, got ${g[k]}`);
  }
  return Int32Array.from(GEOMETRY_FIELDS, (k) => g[k]);
}

export type Activation = 'linear' | 'relu';

/**
 * The addon. Every array is read or written in place (it may view a WebAssembly heap) and must have
 * exactly the length its geometry implies; a wrong length or type throws, naming the argument.
 * Results do not depend on the thread count.
 */
export interface NativeKernels {
  /**
   * y = act(conv(x, filter) + bias + residual); bias and residual may be null (residual: y's shape, and it may
   * be y itself). The sums round as conv + bias, then + residual, then the activation, as unfused kernels do.
   */
  conv2d(x: Float32Array, filter: Float32Array, bias: Float32Array | null, y: Float32Array, geometry: Int32Array, activation: 0 | 1, residual?: Float32Array | null): void;
  /** dx of conv(x, filter) from dy (dilation 1). Every element of dx is written. */
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, geometry: Int32Array): void;
  /** dfilter of conv(x, filter) from dy. Every element of dfilter is written. */
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dfilter: Float32Array, geometry: Int32Array): void;
  /**
   * Training batch norm over x = [rows, channels]: y = γ·(x − μ)/√(σ² + ε) + β, writing the batch mean
   * and biased variance. Sums accumulate in double.
   */
  batchNormTrain(x: Float32Array, gamma: Float32Array, beta: Float32Array, y: Float32Array, mean: Float32Array, variance: Float32Array, channels: number, epsilon: number): void;
  /** The gradient of batchNormTrain, from the mean and variance it returned: dx, dγ and dβ. */
  batchNormTrainGrad(
    x: Float32Array, dy: Float32Array, gamma: Float32Array, mean: Float32Array, variance: Float32Array,
    dx: Float32Array, dGamma: Float32Array, dBeta: Float32Array, channels: number, epsilon: number,
  ): void;
  /** dx = dy where y > 0, else 0: the ReLU gradient from its output (or input). */
  reluGrad(dy: Float32Array, y: Float32Array, dx: Float32Array): void;
  /** out = a + b, with b repeating along a (b's length divides a's: same shape, a channel vector, a scalar). */
  add(a: Float32Array, b: Float32Array, out: Float32Array): void;
  /** out = clip(min(max(current + step·sign(grad), x − eps), x + eps), 0, 1), sign ∈ {−1, 0, 1}: one ℓ∞ PGD step (step and eps rounded to float32). */
  linfStep(current: Float32Array, grad: Float32Array, x: Float32Array, out: Float32Array, step: number, eps: number): void;
  /** out = max(x, 0) (NaN stays NaN). */
  relu(x: Float32Array, out: Float32Array): void;
  /**
   * out[g][c] = (Σ_r x[g][r][c]) / rows for x [groups, rows, channels]: float sums in row order, then one
   * division (how tfjs-wasm's Mean rounds), e.g. a global average pool over [N, H·W, C].
   */
  meanRows(x: Float32Array, out: Float32Array, rows: number, channels: number): void;
  /**
   * Fills `out` (even length) with N(0, std²) pairs from a xoshiro128** state (4 words, updated in place):
   * Box-Muller with the same double operations as @floatjs/engine's Rng, so the values equal its JS ones.
   */
  normalFill(state: Uint32Array, out: Float32Array, std: number): void;
  setThreads(threads: number): void;
  threads(): number;
  /** Scratch memory the kernels hold (bytes, all threads): it grows to the largest shapes seen, then stays. */
  scratchBytes(): number;
  /** The instruction set in use: the best this CPU runs, unless changed with setIsa. */
  isa(): NativeIsa;
  /** Switches to `isa` if this CPU runs it; returns whether it did. */
  setIsa(isa: NativeIsa): boolean;
  /**
   * Whether 3×3 stride-1 convolutions with at least 16 channels in and out (input channels in whole vectors)
   * and at least 32 blocks of 4×4 outputs use Winograd F(4×4, 3×3) for the forward pass and the input gradient: a quarter of the multiplies, another
   * rounding (within about 1e-5 of the output's scale; the direct form's is about 1e-7), the same for any thread
   * count. On by default; `false` restores the direct form.
   */
  setWinograd(on: boolean): void;
  winograd(): boolean;
}

/** Where a loaded addon came from: compiled on this machine (install script, `build:native`) or the prebuilt one. */
export type NativeSource = 'compiled' | 'prebuilt';

export type NativeLoad = { ok: true; kernels: NativeKernels; path: string; source: NativeSource } | { ok: false; reason: string };

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
let loaded: NativeLoad | undefined;

/**
 * Loads the addon: the one compiled on this machine (`build/Release/floatjs_native.node`) if there is one,
 * else the prebuilt binary for this platform (`prebuilds/<platform>-<arch>[-libc]/`). Never throws: when
 * neither loads, `reason` says why for both (the build's reason from `build/BUILD_FAILED.txt`).
 */
export function loadNativeKernels(): NativeLoad {
  if (loaded) return loaded;
  const reasons: string[] = [];
  const compiled = join(packageRoot, 'build', 'Release', 'floatjs_native.node');
  if (existsSync(compiled)) {
    const attempt = tryLoad(compiled, 'compiled');
    if (attempt.ok) return (loaded = attempt);
    reasons.push(attempt.reason);
  } else {
    const failed = join(packageRoot, 'build', 'BUILD_FAILED.txt');
    reasons.push(
      existsSync(failed)
        ? readFileSync(failed, 'utf8').split('\n')[0]
        : 'not built here (the install script did not run: install python3, make and g++, then `npm rebuild @floatjs/native-kernels`)',
    );
  }
  const prebuilt = findPrebuilt(packageRoot);
  if ('path' in prebuilt) {
    const attempt = tryLoad(prebuilt.path, 'prebuilt');
    if (attempt.ok) return (loaded = attempt);
    reasons.push(attempt.reason);
  } else {
    reasons.push(prebuilt.reason);
  }
  return (loaded = { ok: false, reason: `@floatjs/native-kernels: ${reasons.join('; ')}` });
}

function tryLoad(path: string, source: NativeSource): NativeLoad {
  try {
    return { ok: true, kernels: require(path) as NativeKernels, path, source };
  } catch (err) {
    return { ok: false, reason: `${path} did not load: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
  }
}
