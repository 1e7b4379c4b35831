import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { assignVariables, readVariables, type RngState, type Trainer } from '@floatjs/engine';
import { checkLoadedValues, MAX_WEIGHTS_BYTES, RECIPE_FILE, STATE_FILE, weightsBytes, WEIGHTS_FILE } from './checkpoint';
import { readRegularFile } from './fs-ops';
import { listGenerations, mirrorGeneration, pruneGenerations, removeStaleTemporaries, writeGeneration } from './generation';
import { decodeSafetensors, encodeSafetensors } from './safetensors';

export { STATE_FILE };

export const OPTIMIZER_FILE = 'optimizer.safetensors';
/** trainer-state.json holds rng states and plugin state (masks): generous, but bounded. */
const MAX_STATE_BYTES = 256 * 1024 * 1024;
/** The files a trainer state may record digests of: names inside the checkpoint directory, nothing else. */
const DIGESTED_FILES = new Set([WEIGHTS_FILE, OPTIMIZER_FILE]);

/** Everything besides weights that a resumed run needs to continue exactly where it stopped. */
export interface TrainerState {
  format: 'floatjs-trainer-state';
  version: 1;
  /** Epochs fully completed; training resumes at this epoch index. */
  epochsDone: number;
  step: number;
  trainerRng: RngState;
  forwardRng: RngState;
  plugins: Record<string, unknown>;
  /** sha256 of the weight and optimizer files this state belongs to; a mismatch means a torn checkpoint. */
  files: Record<string, string>;
}

/**
 * A resumable checkpoint: weights, recipe, momentum buffers and the trainer state (with the digests of the
 * weight and optimizer files) written as one generation `ckpt-<epochsDone>/` (generation.ts), then linked
 * into `dir` where `float eval` reads them.
 */
export async function saveTrainingCheckpoint(dir: string, trainer: Trainer, recipe: unknown, epochsDone: number): Promise<void> {
  const { model, optimizer } = trainer;
  const weights = await weightsBytes(model);
  const optimizerBytes = encodeSafetensors(await readVariables(optimizer.momentum), { format: 'floatjs-optimizer' });
  const state: TrainerState = {
    format: 'floatjs-trainer-state',
    version: 1,
    epochsDone,
    step: trainer.step,
    trainerRng: trainer.rng.getState(),
    forwardRng: model.forwardRng.getState(),
    plugins: model.host.getStates(),
    files: { [WEIGHTS_FILE]: sha256(weights), [OPTIMIZER_FILE]: sha256(optimizerBytes) },
  };
  const text = (v: unknown) => new TextEncoder().encode(`${JSON.stringify(v, null, 2)}\n`);
  writeGeneration(dir, epochsDone, [
    [WEIGHTS_FILE, weights],
    [OPTIMIZER_FILE, optimizerBytes],
    [RECIPE_FILE, text(recipe)],
    [STATE_FILE, text(state)],
  ]);
}

/** A complete checkpoint found on disk: where its files are, its state, and the bytes it was verified from. */
export interface FoundCheckpoint {
  dir: string;
  state: TrainerState;
  weights: Buffer;
  optimizer: Buffer;
  /** Generations skipped as unreadable, newest first, with why (reported by resume). */
  skipped: string[];
}

/**
 * The newest complete checkpoint of a run directory: the newest `ckpt-N/` generation whose state parses and
 * whose digests match, else (directories written before generations) the files in `dir` itself. Null when
 * the run never finished a checkpoint. Unreadable generations only, or a torn legacy directory, are an error, not a
 * fresh start.
 */
export function findTrainingCheckpoint(dir: string): FoundCheckpoint | null {
  const skipped: string[] = [];
  for (const [, gen] of listGenerations(dir)) {
    try {
      return { ...readCheckpointFiles(gen), skipped };
    } catch (err) {
      skipped.push((err as Error).message);
    }
  }
  // Generations exist but none is readable: corruption or tampering, never a reason to start over silently.
  if (skipped.length) throw new Error(`${dir}: no readable checkpoint generation (${skipped.join('; ')})`);
  if (existsSync(join(dir, STATE_FILE))) return { ...readCheckpointFiles(dir), skipped };
  return null;
}

function readCheckpointFiles(dir: string): Omit<FoundCheckpoint, 'skipped'> {
  const statePath = join(dir, STATE_FILE);
  const state = parseState(readRegularFile(statePath, MAX_STATE_BYTES, 'the trainer state written by `float train`').toString('utf8'), statePath);
  const read = (file: string) => {
    const path = join(dir, file);
    const bytes = readRegularFile(path, MAX_WEIGHTS_BYTES, 'a file of the checkpoint');
    const recorded = state.files[file];
    if (recorded !== undefined && sha256(bytes) !== recorded) {
      throw new Error(`${path}: sha256 ${sha256(bytes)} does not match ${recorded} recorded in ${STATE_FILE}; the checkpoint is torn or corrupt`);
    }
    return bytes;
  };
  return { dir, state, weights: read(WEIGHTS_FILE), optimizer: read(OPTIMIZER_FILE) };
}

function parseState(text: string, statePath: string): TrainerState {
  let state: TrainerState;
  try {
    state = JSON.parse(text);
  } catch (err) {
    throw new Error(`${statePath}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  if (state?.format !== 'floatjs-trainer-state' || state.version !== 1) {
    throw new Error(`${statePath}: field "format" must be "floatjs-trainer-state" version 1`);
  }
  if (!Number.isInteger(state.epochsDone) || state.epochsDone < 0 || !Number.isInteger(state.step) || state.step < 0) {
    throw new Error(`${statePath}: fields "epochsDone" and "step" must be non-negative integers`);
  }
  const files = state.files ?? {};
  if (typeof files !== 'object' || Array.isArray(files)) throw new Error(`${statePath}: field "files" must be an object of sha256 digests`);
  for (const [file, digest] of Object.entries(files)) {
    // Digests name files of this checkpoint only: a key such as "../../etc/passwd" must never be opened.
    if (!DIGESTED_FILES.has(file)) throw new Error(`${statePath}: field "files" names "${file}"; expected only ${[...DIGESTED_FILES].join(' and ')}`);
    if (typeof digest !== 'string' || !/^[0-9a-f]{64}$/.test(digest)) throw new Error(`${statePath}: files["${file}"] must be a sha256 hex digest`);
  }
  state.files = files;
  return state;
}

/** Restores weights, momentum, step, rng streams and plugin state of a found checkpoint into a freshly built trainer. */
export function restoreTrainingCheckpoint(found: FoundCheckpoint, trainer: Trainer): TrainerState {
  const { dir, state } = found;
  const weightsPath = join(dir, WEIGHTS_FILE);
  const weights = decodeSafetensors(found.weights, weightsPath).tensors;
  checkLoadedValues(weights, weightsPath);
  assignVariables(trainer.model.variables, weights, weightsPath);
  const optPath = join(dir, OPTIMIZER_FILE);
  const momentum = decodeSafetensors(found.optimizer, optPath).tensors;
  checkLoadedValues(momentum, optPath);
  assignVariables(trainer.optimizer.momentum, momentum, optPath);
  trainer.step = state.step;
  trainer.rng.setState(state.trainerRng);
  trainer.model.forwardRng.setState(state.forwardRng);
  trainer.model.host.setStates(state.plugins ?? {});
  return state;
}

/** Restores the newest complete checkpoint of `dir` into a freshly built trainer; an error when there is none. */
export function loadTrainingCheckpoint(dir: string, trainer: Trainer): TrainerState {
  const found = findTrainingCheckpoint(dir);
  if (!found) throw new Error(`${join(dir, STATE_FILE)}: not found; this directory has no resumable checkpoint (was it written by \`float train\` before the first epoch ended?)`);
  return restoreTrainingCheckpoint(found, trainer);
}

/**
 * Before a resumed run continues: makes the files in `dir` those of the generation it resumes from (a crash may
 * have stopped between the commit and the links), drops the other generations and stale temporary files.
 * Returns what was removed, for the log.
 */
export function tidyForResume(dir: string, found: FoundCheckpoint | null): string[] {
  const removed = removeStaleTemporaries(dir);
  if (found && found.dir !== dir) {
    mirrorGeneration(dir, found.dir, [WEIGHTS_FILE, OPTIMIZER_FILE, STATE_FILE].filter((f) => existsSync(join(found.dir, f))));
    pruneGenerations(dir, found.state.epochsDone);
  }
  return removed;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
