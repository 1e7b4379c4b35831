import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RngState } from '../rng';
import type { Trainer } from '../train/trainer';
import { writeFileAtomic } from './atomic-write';
import { assignVariables, readVariables, saveCheckpoint, STATE_FILE, WEIGHTS_FILE } from './checkpoint';

export { STATE_FILE };
import { decodeSafetensors, encodeSafetensors } from './safetensors';

export const OPTIMIZER_FILE = 'optimizer.safetensors';

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
 * A resumable checkpoint: weights + recipe, momentum buffers, then the trainer state, each written
 * atomically. The state file goes last and records the digests of the other two, so a crash between
 * writes is detected on resume instead of mixing an old state with new weights.
 */
export async function saveTrainingCheckpoint(dir: string, trainer: Trainer, recipe: unknown, epochsDone: number): Promise<void> {
  const { model, optimizer } = trainer;
  await saveCheckpoint(dir, model, recipe);
  const optimizerBytes = encodeSafetensors(await readVariables(optimizer.momentum), { format: 'floatjs-optimizer' });
  writeFileAtomic(join(dir, OPTIMIZER_FILE), optimizerBytes);
  const state: TrainerState = {
    format: 'floatjs-trainer-state',
    version: 1,
    epochsDone,
    step: trainer.step,
    trainerRng: trainer.rng.getState(),
    forwardRng: model.forwardRng.getState(),
    plugins: model.host.getStates(),
    files: { [WEIGHTS_FILE]: digestOf(join(dir, WEIGHTS_FILE)), [OPTIMIZER_FILE]: sha256(optimizerBytes) },
  };
  writeFileAtomic(join(dir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

/** Restores weights, momentum, step, rng streams and plugin state into a freshly built trainer. */
export function loadTrainingCheckpoint(dir: string, trainer: Trainer): TrainerState {
  const statePath = join(dir, STATE_FILE);
  if (!existsSync(statePath)) throw new Error(`${statePath}: not found; this directory has no resumable checkpoint (was it written by \`float train\` before the first epoch ended?)`);
  let state: TrainerState;
  try {
    state = JSON.parse(readFileSync(statePath, 'utf8'));
  } catch (err) {
    throw new Error(`${statePath}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  if (state?.format !== 'floatjs-trainer-state' || state.version !== 1) {
    throw new Error(`${statePath}: field "format" must be "floatjs-trainer-state" version 1`);
  }
  if (!Number.isInteger(state.epochsDone) || state.epochsDone < 0 || !Number.isInteger(state.step) || state.step < 0) {
    throw new Error(`${statePath}: fields "epochsDone" and "step" must be non-negative integers`);
  }
  for (const [file, digest] of Object.entries(state.files ?? {})) {
    const actual = digestOf(join(dir, file));
    if (actual !== digest) throw new Error(`${join(dir, file)}: sha256 ${actual} does not match ${digest} recorded in ${STATE_FILE}; the checkpoint is torn or corrupt`);
  }
  const weightsPath = join(dir, WEIGHTS_FILE);
  assignVariables(trainer.model.variables, decodeSafetensors(readFileSync(weightsPath), weightsPath).tensors, weightsPath);
  const optPath = join(dir, OPTIMIZER_FILE);
  assignVariables(trainer.optimizer.momentum, decodeSafetensors(readFileSync(optPath), optPath).tensors, optPath);
  trainer.step = state.step;
  trainer.rng.setState(state.trainerRng);
  trainer.model.forwardRng.setState(state.forwardRng);
  trainer.model.host.setStates(state.plugins ?? {});
  return state;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function digestOf(path: string): string {
  if (!existsSync(path)) throw new Error(`${path}: not found; the checkpoint is incomplete`);
  return sha256(readFileSync(path));
}
