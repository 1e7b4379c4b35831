import { getExperiment, registerExperiment, type ExperimentDef } from '../experiment/registry';
import { tinyPreset } from './tiny-preset';

/** fmnist-compare on the tiny preset: FLOAT, OAT (if registered), PGD-AT at λ = 0 and 1; seconds per run. */
export function tinyExperiment(): ExperimentDef {
  const name = 'test-tiny-compare';
  try {
    return getExperiment(name);
  } catch {
    const preset = tinyPreset();
    const def: ExperimentDef = {
      name,
      description: 'fmnist-compare shrunk for tests: the tiny preset, FLOAT, OAT (if registered), PGD-AT at λ = 0 and 1',
      preset: preset.name,
      runs: [{ method: 'float' }, { method: 'oat', optional: true }, { method: 'pgd-at', lambda: 0 }, { method: 'pgd-at', lambda: 1 }],
      latencyReps: 3,
      latencyWarmup: 1,
    };
    registerExperiment(def);
    return def;
  }
}
