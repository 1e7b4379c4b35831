import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.config.base';

export default defineConfig([
  { ...baseConfig },
  // The executable: ESM only, no types; bin/float.js imports it.
  { ...baseConfig, entry: { cli: 'src/bin.ts' }, format: ['esm'], dts: false, clean: false },
]);
