import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.config.base';

export default defineConfig({
  ...baseConfig,
  entry: ['src/index.ts'],
  // Loaded at run time from its own directory (the addon sits beside it); never bundled.
  external: ['@floatjs/native-kernels'],
  treeshake: false,
});
