import type { ArchitectureDef } from '@floatjs/engine';

/**
 * The same layers as `def` under another name, refusing inputs of any other spatial size. For nets with a
 * global average pool, whose layers do not depend on the input size, the name records what a run intends.
 */
export function withInputSize(def: ArchitectureDef, name: string, description: string, height: number, width: number): ArchitectureDef {
  return {
    name,
    description,
    build(b, input) {
      if (input.height !== height || input.width !== width) {
        throw new Error(`model "${name}" expects ${height}x${width} inputs, got ${input.height}x${input.width}; use "${def.name}" for other sizes`);
      }
      return def.build(b, input);
    },
  };
}
