import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MethodKit } from '@floatjs/engine';
import { getMethod, methodNames, registerMethod } from './methods';
import { loadRecipe, type MethodModule } from './recipe';

export type { MethodModule } from './recipe';


/** `--method` names a module rather than a registered method: an absolute path, ./ or ../, or a .js/.mjs name. */
export function isMethodPath(spec: string): boolean {
  return isAbsolute(spec) || /^\.\.?[\\/]/.test(spec) || /\.m?js$/.test(spec);
}

function describe(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'function') return 'a function';
  return (JSON.stringify(v) ?? typeof v).slice(0, 80);
}

const DELAY_KINDS: ReadonlySet<unknown> = new Set(['conv', 'float', 'oat']);

/** Checks the shape of a module's export as a `MethodKit`; the error names the file and the first bad field. */
export function checkMethodKit(value: unknown, file: string): MethodKit {
  const bad = (field: string, expected: string, got: unknown) => new Error(`${file}: method kit field "${field}" must be ${expected}, got ${describe(got)}`);
  if (value === null || typeof value !== 'object') throw new Error(`${file}: expected a method kit (default export or \`method\`), got ${value === null ? 'null' : typeof value}`);
  const k = value as Record<string, unknown>;
  if (typeof k.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(k.name)) throw bad('name', 'a name of letters, digits, ".", "_" or "-"', k.name);
  if (typeof k.description !== 'string') throw bad('description', 'a string', k.description);
  if (typeof k.adversarial !== 'boolean') throw bad('adversarial', 'true or false', k.adversarial);
  for (const f of ['plugins', 'settings'] as const) if (typeof k[f] !== 'function') throw bad(f, 'a function', k[f]);
  if (k.cost !== undefined) {
    const c = k.cost as Record<string, unknown> | null;
    if (c === null || typeof c !== 'object') throw bad('cost', 'an object { delayKind, extraParams? }', c);
    if (!DELAY_KINDS.has(c.delayKind)) throw bad('cost.delayKind', '"conv", "float" or "oat"', c.delayKind);
    if (c.extraParams !== undefined && typeof c.extraParams !== 'function') throw bad('cost.extraParams', 'a function', c.extraParams);
  }
  if (k.narrow !== undefined && (k.narrow === null || typeof k.narrow !== 'object')) throw bad('narrow', 'an object { stdScaled?, narrowExtra? }', k.narrow);
  if (k.slim !== undefined) throw bad('slim', 'absent (a module kit cannot name a registered base method to export as)', k.slim);
  return value as MethodKit;
}

function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Method names registered from modules, with the module each came from. */
const loaded = new Map<string, MethodModule>();

async function importKit(module: MethodModule): Promise<MethodKit> {
  // The content hash in the URL keys Node's module cache by content, so an edited file is never served stale.
  const url = `${pathToFileURL(module.path).href}?sha256=${module.sha256}`;
  let ns: Record<string, unknown>;
  try {
    ns = (await import(url)) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${module.path}: could not import the method module: ${(e as Error).message.split('\n')[0]}`, { cause: e });
  }
  const kit = checkMethodKit(ns.default ?? ns.method, module.path);
  const prior = loaded.get(kit.name);
  if (prior?.path === module.path && prior.sha256 === module.sha256) return getMethod(kit.name);
  if (methodNames().includes(kit.name)) {
    throw new Error(`${module.path}: method kit field "name" is "${kit.name}", which is already registered${prior ? ` (from ${prior.path})` : ''}; give the method another name`);
  }
  registerMethod(kit);
  loaded.set(kit.name, module);
  return kit;
}

/** `float train --method ./my-method.js`: imports, checks and registers the module's kit, resolving `spec` from `cwd`. */
export async function loadMethodModule(spec: string, cwd = process.cwd()): Promise<{ kit: MethodKit; module: MethodModule }> {
  const path = resolve(cwd, spec);
  if (!statSync(path, { throwIfNoEntry: false })?.isFile()) throw new Error(`--method: ${path}: no such file; expected a method name or a module exporting a method kit`);
  const module = { path, sha256: sha256Of(path) };
  return { kit: await importKit(module), module };
}

/**
 * Registers the method of a recipe trained with a module's kit (`recipe.methodModule`), refusing when the file
 * is gone, has changed since training, or exports a method of another name. Recipes of registered methods pass.
 */
export async function loadRecipeMethod(recipe: { method: string; methodModule?: MethodModule }, dir: string): Promise<void> {
  const m = recipe.methodModule;
  if (!m) return;
  const where = `${dir}/recipe.json`;
  if (!statSync(m.path, { throwIfNoEntry: false })?.isFile()) throw new Error(`${where}: the method module ${m.path} is gone; restore it to use this model`);
  const now = sha256Of(m.path);
  if (now !== m.sha256) throw new Error(`${where}: the method module ${m.path} has changed since training (sha256 ${now.slice(0, 12)}…, recorded ${m.sha256.slice(0, 12)}…); restore that version or retrain`);
  const kit = await importKit(m);
  if (kit.name !== recipe.method) throw new Error(`${where}: the method module ${m.path} exports method "${kit.name}", but the recipe records "${recipe.method}"`);
}

/** `loadRecipeMethod` for the checkpoint in `dir` (commands call it before the synchronous loaders). */
export async function loadMethodOf(dir: string): Promise<void> {
  await loadRecipeMethod(loadRecipe(dir), dir);
}
