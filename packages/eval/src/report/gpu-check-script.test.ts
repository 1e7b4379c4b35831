import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'scripts', 'gpu-check', 'run.sh');

describe('scripts/gpu-check/run.sh', () => {
  it('prints one JSON line per GPU path, each saying why it was skipped on a machine without one', () => {
    const r = spawnSync('bash', [script, '--steps', '1'], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { check: string; backend: string; skipped?: string });
    // tensorflow is not installable here, and webgpu finds Mesa's llvmpipe (CI installs its EGL) or no adapter
    // at all: both say so, nothing is measured.
    expect(lines.map((l) => [l.check, l.backend])).toEqual([['gpu', 'tensorflow'], ['gpu', 'webgpu']]);
    expect(lines[0].skipped).toMatch(/neither @tensorflow\/tfjs-node-gpu nor @tensorflow\/tfjs-node is installed/);
    expect(lines[1].skipped).toMatch(/^WebGPU on a software renderer, i\.e\. on the CPU: .+ \(--allow-cpu measures it anyway\)$|^webgpu: no adapter/);
  });
});
