#!/usr/bin/env node
// A committed shim, so npm can link the bin before the first build; the CLI itself lives in dist/.
import('../dist/cli.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli.js')) {
    console.error('float: the CLI is not built yet. Run `npm run build` in the repository root first.');
    process.exit(1);
  }
  throw err;
});
