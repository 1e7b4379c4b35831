import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.config.base';

export default defineConfig({
  ...baseConfig,
  // See src/gradients.ts for why this one tfjs-core module is bundled.
  entry: ['src/index.ts', 'src/testing.ts'],
  noExternal: [/register_all_gradients/],
  // Loaded at run time from its own directory (the addon sits beside it); never bundled.
  external: ['@floatjs/native-kernels'],
  treeshake: false,
});
