import type { Options } from 'tsup';

/** The one build config every package shares: ESM + CJS + .d.ts, node target, dependencies external. */
export const baseConfig: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  splitting: false,
  treeshake: true,
  // import.meta.url in the CommonJS build (createRequire, file paths).
  shims: true,
};
