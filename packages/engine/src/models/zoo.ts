import type { PluginOption } from '../plugin';
import { PluginHost } from '../plugin-host';
import { Model, type ArchitectureDef, type InputSpec, type ModelOptions } from '../model';
import { cnnS } from './cnn-s';
import { resnet20 } from './resnet20';

/**
 * Architectures by name (the tfjs kernel-registry shape: plain config objects, registered by name). The
 * engine registers its small models; @floatjs/models registers the paper's on import.
 */
const architectures = new Map<string, ArchitectureDef>([cnnS, resnet20].map((d) => [d.name, d]));

export function registerArchitecture(def: ArchitectureDef): void {
  if (architectures.has(def.name)) throw new Error(`architecture "${def.name}" is already registered`);
  architectures.set(def.name, def);
}

export function architectureNames(): string[] {
  return [...architectures.keys()];
}

export function createModel(name: string, input: InputSpec, recipe: PluginOption = [], seed = 1, options: ModelOptions = {}): Model {
  const arch = architectures.get(name);
  if (!arch) throw new Error(`unknown model "${name}"; expected one of: ${architectureNames().join(', ')}`);
  return new Model(name, input, new PluginHost(recipe), arch, seed, options);
}

/** The registered architecture of this name, or undefined (e.g. to derive a slimmable width's architecture from it). */
export function getArchitecture(name: string): ArchitectureDef | undefined {
  return architectures.get(name);
}
