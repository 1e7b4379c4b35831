import type { BackendChoice } from '@floatjs/backend';
import { afterEach, describe, expect, it } from 'vitest';
import { backendLine, backendRecord } from './backend-record';

const choice = (over: Partial<BackendChoice>): BackendChoice => ({ name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', reason: 'auto', skipped: [], threads: 1, ...over });

describe('backend record', () => {
  const saved = process.env.FLOAT_NATIVE;
  afterEach(() => (saved === undefined ? delete process.env.FLOAT_NATIVE : (process.env.FLOAT_NATIVE = saved)));

  it('names the native kernels when they run', () => {
    const b = choice({ native: { isa: 'avx2', threads: 2 } });
    expect(backendRecord(b)).toEqual({ name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', threads: 1, native: { isa: 'avx2', threads: 2 } });
    expect(backendLine(b)).toContain('native kernels avx2, 2 threads');
  });

  it('says whether the addon was compiled here or is the prebuilt binary', () => {
    const b = choice({ native: { isa: 'avx512', threads: 2, source: 'prebuilt' } });
    expect(backendRecord(b).native).toEqual({ isa: 'avx512', threads: 2, source: 'prebuilt' });
    expect(backendLine(b)).toContain('native kernels avx512, 2 threads, prebuilt)');
    expect(backendLine(choice({ native: { isa: 'avx2', threads: 2, winograd: false, source: 'compiled' } }))).toContain('native kernels avx2, 2 threads, Winograd off, compiled)');
  });

  it('says why the native kernels are off, in the record and in the line', () => {
    const b = choice({ skipped: [{ name: 'native-kernels', error: '@floatjs/native-kernels: g++: command not found' }] });
    expect(backendRecord(b).nativeOff).toBe('@floatjs/native-kernels: g++: command not found');
    expect(backendLine(b)).toMatch(/native kernels OFF, the slow path: @floatjs\/native-kernels: g\+\+: command not found/);
    process.env.FLOAT_NATIVE = 'off';
    expect(backendRecord(choice({ name: 'cpu' })).nativeOff).toBe('FLOAT_NATIVE=off');
  });

  it('records nothing about native kernels on a backend that cannot use them', () => {
    expect(backendRecord(choice({ name: 'tensorflow', package: '@tensorflow/tfjs-node' })).nativeOff).toBeUndefined();
  });
});
