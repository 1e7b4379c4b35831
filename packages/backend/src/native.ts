import type { NativeIsa, NativeKernels, NativeSource } from '@floatjs/native-kernels';

export type NativeMode = 'auto' | 'on' | 'off';
const MODES: readonly NativeMode[] = ['auto', 'on', 'off'];
const ISAS: readonly NativeIsa[] = ['avx512', 'avx2', 'generic'];

/** The native kernels in use and where the addon came from (compiled on this machine, or the prebuilt binary). */
export interface LoadedNative {
  kernels: NativeKernels;
  source: NativeSource;
}

/** What a backend record says of the native kernels. */
export function nativeRecord({ kernels, source }: LoadedNative): { isa: string; threads: number; winograd: boolean; source: NativeSource } {
  return { isa: kernels.isa(), threads: kernels.threads(), winograd: kernels.winograd(), source };
}

/**
 * The native kernels to use, per FLOAT_NATIVE (also FloatSeededNormal's native fill, whose draws are
 * bit-identical to the JS ones): `auto` (default) uses @floatjs/native-kernels
 * when its addon was built and records why not in `skipped` otherwise; `on` requires it; `off` never uses
 * it. FLOAT_NATIVE_ISA (avx512, avx2, generic) picks a narrower instruction set than the CPU's best;
 * FLOAT_NATIVE_WINOGRAD=off keeps 3×3 stride-1 convolutions in the direct form (default `on`: Winograd F(4×4, 3×3) from
 * 16 channels, another rounding).
 */
export async function loadNative(
  env: NodeJS.ProcessEnv,
  threads: number,
  skipped: Array<{ name: string; error: string }>,
): Promise<LoadedNative | undefined> {
  const mode = (env.FLOAT_NATIVE || 'auto') as NativeMode;
  if (!MODES.includes(mode)) throw new Error(`FLOAT_NATIVE: expected one of ${MODES.join(', ')}, got "${env.FLOAT_NATIVE}"`);
  if (mode === 'off') return undefined;
  const unavailable = (reason: string): undefined => {
    if (mode === 'on') throw new Error(`FLOAT_NATIVE=on: ${reason}`);
    skipped.push({ name: 'native-kernels', error: reason });
    return undefined;
  };
  let mod: typeof import('@floatjs/native-kernels');
  try {
    // An optional dependency: absent when installed with --omit=optional.
    mod = await import('@floatjs/native-kernels');
  } catch (err) {
    return unavailable(`@floatjs/native-kernels is not installed (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
  }
  const load = mod.loadNativeKernels();
  return load.ok ? { kernels: configure(load.kernels, env, threads), source: load.source } : unavailable(load.reason);
}

function configure(kernels: NativeKernels, env: NodeJS.ProcessEnv, threads: number): NativeKernels {
  const isa = env.FLOAT_NATIVE_ISA;
  if (isa) {
    if (!(ISAS as readonly string[]).includes(isa)) throw new Error(`FLOAT_NATIVE_ISA: expected one of ${ISAS.join(', ')}, got "${isa}"`);
    if (!kernels.setIsa(isa as NativeIsa)) throw new Error(`FLOAT_NATIVE_ISA: this CPU does not run ${isa}`);
  } else {
    // The best this CPU runs (ISAS is in that order), also after an earlier selection narrowed it.
    ISAS.some((best) => kernels.setIsa(best));
  }
  const winograd = env.FLOAT_NATIVE_WINOGRAD || 'on';
  if (winograd !== 'on' && winograd !== 'off') throw new Error(`FLOAT_NATIVE_WINOGRAD: expected on or off, got "${winograd}"`);
  kernels.setWinograd(winograd === 'on');
  kernels.setThreads(threads);
  return kernels;
}
