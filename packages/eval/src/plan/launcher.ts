import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * How this `float` is started: node and the package's bin/float.js, both absolute. Found by walking up to the
 * package's package.json, so it works from src/ (tests) and from dist/ (the built CLI) alike.
 */
export function thisLauncher(): string[] {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === '@floatjs/eval') {
      return [process.execPath, join(dir, 'bin', 'float.js')];
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the @floatjs/eval package directory (for the plan\'s launcher)');
    dir = up;
  }
}

/** A job's argv with its leading `float` replaced by the plan's launcher. */
export function launch(launcher: readonly string[], argv: readonly string[]): string[] {
  return [...launcher, ...argv.slice(1)];
}
