import { getPreset, registerPreset, type Preset } from '../recipes/presets';

/** fmnist-quick shrunk to seconds: 64 training images, 1 epoch, PGD-2, 40 test images. */
export function tinyPreset(): Preset {
  const name = 'test-tiny';
  try {
    return getPreset(name);
  } catch {
    const base = getPreset('fmnist-quick');
    const p: Preset = {
      ...base,
      name,
      trainLimit: 64,
      testLimit: 40,
      batchSize: 32,
      epochs: 1,
      trainAttack: { ...base.trainAttack, steps: 2 },
      eval: { ...base.eval, attack: { ...base.eval.attack, steps: 3 }, eot: 2, batchSize: 20 },
    };
    registerPreset(p);
    return p;
  }
}
