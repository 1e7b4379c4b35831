import { defineConfig } from 'vitest/config';

/**
 * Shared vitest settings: resolve workspace siblings from source (the `@floatjs/source` export
 * condition), run files one at a time (tfjs tests are CPU-bound; `npm test` runs two packages at once on
 * the 2 cores), and write a JSON report
 * that `.ci/run` sums into one `N passed, N failed` line.
 *
 * `workers: 2` lets a package run two files at once: nx starts the package that nothing depends on (eval)
 * last, so for most of its run it is the only package testing, and one file at a time would leave a core idle.
 */
export function packageTestConfig(name: string, extra: { testTimeout?: number; workers?: number } = {}) {
  return defineConfig({
    resolve: { conditions: ['@floatjs/source', 'import', 'module', 'node', 'default'] },
    ssr: { resolve: { conditions: ['@floatjs/source', 'import', 'node', 'default'] } },
    test: {
      name,
      dir: './src',
      include: ['**/*.test.ts'],
      testTimeout: extra.testTimeout ?? 120_000,
      hookTimeout: 120_000,
      fileParallelism: (extra.workers ?? 1) > 1,
      maxWorkers: extra.workers ?? 1,
      pool: 'forks',
      reporters: ['default', 'json'],
      outputFile: { json: './test-results/vitest.json' },
      // Two packages test at once on two cores, so each wasm process gets one XNNPACK thread unless told
      // otherwise; the threaded path has its own test (engine's wasm-threads.test.ts), in child processes.
      env: { FLOAT_THREADS: process.env.FLOAT_THREADS ?? '1' },
    },
  });
}
