import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { version_core as tfjsCoreVersion } from '@tensorflow/tfjs-core';
import { EVAL_VERSION } from '../version';

/** What made a JSON result: enough to tell a stale or overwritten result from the current one. */
export interface Provenance {
  /** Versions of the @floatjs packages that are loaded (those that resolve from here). */
  packages: Record<string, string>;
  tfjsCore: string;
  node: string;
  /** The floatjs source tree's git commit when it runs from a checkout, else null; `dirty`: uncommitted changes. */
  git: { commit: string; dirty: boolean } | null;
  /** When the result was written (ISO 8601, UTC). */
  date: string;
  /** The seed every stream of the run derives from (the recipe's), null where none applies. */
  seed: number | null;
  /** The command line (`process.argv` after the Node binary). */
  argv: string[];
  /** sha256 of the weights file the result was computed from, when there is one. */
  weightsSha256?: string;
}

const SIBLINGS = ['engine', 'attacks', 'datasets', 'conditioning-float', 'conditioning-film', 'pruning', 'slimmable', 'native-kernels'];
const here = dirname(fileURLToPath(import.meta.url));
let cached: Pick<Provenance, 'packages' | 'git'> | undefined;

function packageVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const out: Record<string, string> = { '@floatjs/eval': EVAL_VERSION };
  for (const name of SIBLINGS) {
    try {
      out[`@floatjs/${name}`] = (require(`@floatjs/${name}/package.json`) as { version: string }).version;
    } catch {
      // Not installed (an optional package): nothing to record.
    }
  }
  return out;
}

function gitState(): Provenance['git'] {
  const git = (...args: string[]) => execFileSync('git', ['-C', here, ...args], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const commit = git('rev-parse', 'HEAD');
    if (!/^[0-9a-f]{40}$/.test(commit)) return null;
    return { commit, dirty: git('status', '--porcelain', '--untracked-files=no').length > 0 };
  } catch {
    return null; // not a checkout (an npm install), or no git
  }
}

/** sha256 of a file, hex. */
export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** The provenance record of a result written now (versions and git state are looked up once per process). */
export function provenance(opts: { seed?: number | null; weightsSha256?: string } = {}): Provenance {
  cached ??= { packages: packageVersions(), git: gitState() };
  return {
    ...cached,
    tfjsCore: tfjsCoreVersion,
    node: process.version,
    date: new Date().toISOString(),
    seed: opts.seed ?? null,
    argv: process.argv.slice(1),
    ...(opts.weightsSha256 ? { weightsSha256: opts.weightsSha256 } : {}),
  };
}
