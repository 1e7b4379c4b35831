import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.config.base';

export default defineConfig({
  ...baseConfig,
  entry: ['src/index.ts', 'src/register-gradients.ts'],
  // See src/register-gradients.ts for why this one tfjs-core module is bundled.
  noExternal: [/register_all_gradients/],
});
