import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.config.base';

export default defineConfig({
  ...baseConfig,
  entry: ['src/index.ts'],
  // Loaded at run time: the addon from its own directory, the WebGPU packages only when asked for; never bundled.
  external: ['@floatjs/native-kernels', 'webgpu', '@tensorflow/tfjs-backend-webgpu', 'deasync'],
  treeshake: false,
});
