import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.config.base';

export default defineConfig({
  ...baseConfig,
  // See src/gradients.ts for why this one tfjs-core module is bundled.
  entry: ['src/index.ts', 'src/testing.ts'],
  noExternal: [/register_all_gradients/],
  // The stock backends that testing's useStockBackend loads are the test package's, never bundled.
  external: [/^@tensorflow\/tfjs-backend-/],
  treeshake: false,
});
