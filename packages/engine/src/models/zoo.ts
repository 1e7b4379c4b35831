import type { PluginOption } from '../plugin';
import { PluginHost } from '../plugin-host';
import { Model, type ArchitectureDef, type InputSpec, type ModelOptions } from '../model';
import { cnnS } from './cnn-s';
import { resnet20 } from './resnet20';
import { resnet34 } from './resnet34';
import { resnet18 } from './resnet18';
import { resnet18In64, resnet34In64 } from './resnet-64';
import { resnet18Imagenet } from './resnet18-imagenet';
import { wrn16x8, wrn40x2 } from './wrn';

/** Architectures by name (the tfjs kernel-registry shape: plain config objects, registered by name). */
const architectures = new Map<string, ArchitectureDef>([
  [cnnS.name, cnnS],
  [resnet20.name, resnet20],
  [resnet34.name, resnet34],
  ...[resnet18, resnet18In64, resnet34In64, resnet18Imagenet, wrn16x8, wrn40x2].map((d): [string, ArchitectureDef] => [d.name, d]),
]);

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
