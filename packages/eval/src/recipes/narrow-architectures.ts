import { architectureNames, getArchitecture, registerArchitecture } from '@floatjs/engine';
import { narrowArchitecture, narrowArchitectureName } from '@floatjs/slimmable';
// Registers the paper's architectures (resnet34, wrn16-8, ...) in the engine's zoo by name.
import '@floatjs/models';

/** `<base>-w0_5` → base and width, as `narrowArchitectureName` writes them (`widthSegment`: '.' becomes '_'). */
const NARROW_NAME = /^(.+)-w(0_\d+)$/;

export function parseNarrowArchitectureName(name: string): { base: string; width: number } | null {
  const m = NARROW_NAME.exec(name);
  if (!m) return null;
  const width = Number(m[2].replace('_', '.'));
  return width > 0 && width < 1 ? { base: m[1], width } : null;
}

/**
 * Makes sure the architecture `name` is registered in the engine's zoo. A registered name is left as it is; a
 * slimmable sub-network's name (`cnn-s-w0_5`, written by `exportNarrow`) is registered on first use as
 * `narrowArchitecture(<base>, width)`. Anything else is left for `createModel` to reject with its usual error.
 */
export function ensureArchitecture(name: string): void {
  if (getArchitecture(name)) return;
  const parsed = parseNarrowArchitectureName(name);
  if (!parsed) return;
  const base = getArchitecture(parsed.base);
  if (!base) throw new Error(`architecture "${name}": the width-${parsed.width} sub-network of "${parsed.base}", which is not registered; expected one of: ${architectureNames().join(', ')}`);
  const def = narrowArchitecture(base, parsed.width);
  // A name that does not round-trip (e.g. `w0_50`) would register an alias under a second name.
  if (def.name !== name) throw new Error(`architecture "${name}": a width-${parsed.width} sub-network of "${parsed.base}" is named "${def.name}"`);
  registerArchitecture(def);
}

/** Registers (once) the width-w sub-network of a registered architecture and returns its name. */
export function narrowArchitectureFor(base: string, width: number): string {
  const name = narrowArchitectureName(base, width);
  if (!getArchitecture(base)) throw new Error(`narrow architecture: "${base}" is not registered; expected one of: ${architectureNames().join(', ')}`);
  ensureArchitecture(name);
  return name;
}
