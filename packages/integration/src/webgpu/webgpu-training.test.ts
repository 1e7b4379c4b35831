// floatjs end to end on the webgpu backend against the cpu one (with the native kernels): a FLOAT and an OAT
// model's forward and training steps, PGD and a tiny AutoAttack, and memory. Small shapes (cnn-s on 12×12×1,
// batch 8), so that Mesa's llvmpipe runs it in CI; on a GPU the same file runs there.
import * as tf from '@tensorflow/tfjs-core';
import { autoAttack, pgd } from '@floatjs/attacks';
import { float } from '@floatjs/conditioning-float';
import { oat, oatCondition } from '@floatjs/conditioning-film';
import { createModel, Trainer, type Condition, type Model, type Plugin } from '@floatjs/engine';
import { describe, expect, it } from 'vitest';
import { onBoth, relativeError, startWebGPU } from '../../../backend/src/webgpu/test-utils/start-webgpu';
import { adversary, BATCH, source, SPEC } from '../test-utils/pgd';

const gpu = await startWebGPU();
/**
 * The stated tolerance, relative to the reference's scale: float32 sums in another order. Measured on llvmpipe:
 * logits ≤ 1.2e-7, weights after a FLOAT or OAT step ≤ 7.5e-7, losses and adversarial examples equal. Attacks
 * step along gradient signs, so one flipped sign would exceed it: their examples must match.
 */
const TOL = 1e-5;

const EPS = 8 / 255;
const images = () => [...source(1).batches(0)][0];
const weights = (model: Model) => Object.fromEntries([...model.variables].map(([name, v]) => [name, v.dataSync().slice()]));

function maxRelative(a: Record<string, tf.TypedArray>, b: Record<string, tf.TypedArray>): { worst: number; name: string } {
  let worst = 0;
  let name = '';
  for (const k of Object.keys(a)) {
    const e = relativeError(a[k], b[k]);
    if (e > worst) [worst, name] = [e, k];
  }
  return { worst, name };
}

/** One Trainer step of `plugins` from seed 1 on the active backend: the loss and every weight after it. */
async function oneStep(plugins: () => Plugin | Plugin[], warm?: Condition) {
  const model = createModel('cnn-s', SPEC, plugins(), 1);
  if (warm) tf.tidy(() => model.logitsFn(warm)(tf.zeros([1, 12, 12, 1]) as tf.Tensor4D).dataSync());
  const trainer = new Trainer(model, { epochs: 1, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, schedule: 'constant', seed: 1, adversary });
  const losses: number[] = [];
  await trainer.fit(source(1), { afterStep: (e) => losses.push(e.loss) });
  const after = weights(model);
  trainer.dispose();
  model.dispose();
  return { loss: losses[0], after };
}

describe.skipIf(!gpu.ok)('floatjs on webgpu against cpu', () => {
  it('FLOAT forward, clean BN without noise and adversarial BN with noise', async () => {
    const { x } = images();
    const r = await onBoth(() => {
      const model = createModel('cnn-s', SPEC, float(), 1);
      const out = tf.tidy(() => {
        const xs = tf.tensor4d(x, [BATCH, 12, 12, 1]);
        return [model.logitsFn({ norm: 'clean', lambdaN: 0 })(xs), model.logitsFn({ norm: 'adv', lambdaN: 1, lambda: 1 })(xs)].map((t) => t.dataSync().slice());
      });
      model.dispose();
      return out;
    });
    // The noise is drawn from the same seeded stream on both, so even the noisy forward matches.
    r.cpu.forEach((ref, i) => expect(relativeError(ref, r.webgpu[i]), ['clean', 'noisy'][i]).toBeLessThan(TOL));
  });

  it('a FLOAT training step (PGD-2 on the λ = 1 half): the same loss and weights', async () => {
    const r = await onBoth(() => oneStep(() => float()));
    expect(Math.abs(r.webgpu.loss - r.cpu.loss) / r.cpu.loss).toBeLessThan(TOL);
    const { worst, name } = maxRelative(r.cpu.after, r.webgpu.after);
    expect(worst, name).toBeLessThan(TOL);
  });

  it('an OAT training step (FiLM, dual BN, sampled λ): the same loss and weights', async () => {
    const r = await onBoth(() => oneStep(() => oat(), oatCondition(0)));
    expect(Math.abs(r.webgpu.loss - r.cpu.loss) / r.cpu.loss).toBeLessThan(TOL);
    const { worst, name } = maxRelative(r.cpu.after, r.webgpu.after);
    expect(worst, name).toBeLessThan(TOL);
  });

  /** The attacked model: FLOAT at λ = 1 without noise (deterministic), fresh from seed 3 on each backend. */
  async function attackBoth<T>(attack: (f: (x: tf.Tensor4D) => tf.Tensor2D, x: tf.Tensor4D, y: tf.Tensor1D) => Promise<T>) {
    const { x, y } = images();
    return onBoth(async () => {
      const model = createModel('cnn-s', SPEC, float(), 3);
      const xs = tf.tensor4d(x, [BATCH, 12, 12, 1]);
      const ys = tf.tensor1d(y, 'int32');
      try {
        return await attack(model.logitsFn({ norm: 'adv', lambdaN: 0, lambda: 1 }), xs, ys);
      } finally {
        tf.dispose([xs, ys]);
        model.dispose();
      }
    });
  }

  it('PGD-10: the same adversarial examples, inside the ε-ball', async () => {
    const r = await attackBoth(async (f, x, y) => {
      const xa = pgd(f, x, y, { eps: EPS, steps: 10, stepSize: EPS / 4, seed: 5 });
      const values = xa.dataSync().slice();
      const dist = tf.tidy(() => tf.max(tf.abs(tf.sub(xa, x))).dataSync()[0]);
      xa.dispose();
      return { values, dist };
    });
    expect(r.webgpu.dist).toBeLessThanOrEqual(EPS + 1e-6);
    expect(r.cpu.dist).toBeGreaterThan(EPS / 2);
    expect(relativeError(r.cpu.values, r.webgpu.values)).toBeLessThan(TOL);
  });

  it('a tiny AutoAttack (standard, 3 iterations, 20 Square queries): the same verdicts per stage', async () => {
    const r = await attackBoth(async (f, x, y) => {
      const { xAdv, report } = await autoAttack(f, x, y, { eps: 0.1, version: 'standard', nIter: 3, nQueries: 20, nTargetClasses: 2, batchSize: BATCH, seed: 1 });
      const values = xAdv.dataSync().slice();
      xAdv.dispose();
      return { values, after: report.robustAccuracyAfter, robust: report.robust, clean: report.cleanCorrect };
    });
    // The attacks broke points, so the comparison covers their paths, not only the clean pass.
    expect(r.cpu.after.at(-1)!.robustAccuracy).toBeLessThan(r.cpu.after[0].robustAccuracy);
    expect(r.webgpu.clean).toEqual(r.cpu.clean);
    expect(r.webgpu.robust).toEqual(r.cpu.robust);
    expect(r.webgpu.after).toEqual(r.cpu.after);
    expect(relativeError(r.cpu.values, r.webgpu.values)).toBeLessThan(TOL);
  });

  it('no tensor or GPU-memory growth over three FLOAT training steps', async () => {
    await tf.setBackend('webgpu');
    try {
      const model = createModel('cnn-s', SPEC, float(), 1);
      const trainer = new Trainer(model, { epochs: 1, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, schedule: 'constant', seed: 1, adversary });
      const seen: { tensors: number; bytes?: number }[] = [];
      await trainer.fit(source(3), { afterStep: () => seen.push({ tensors: tf.memory().numTensors, bytes: (tf.memory() as { numBytesInGPU?: number }).numBytesInGPU }) });
      expect(seen).toHaveLength(3);
      expect(typeof seen[0].bytes).toBe('number');
      expect(seen[2]).toEqual(seen[1]);
      expect(seen[1].tensors).toBe(seen[0].tensors);
      trainer.dispose();
      model.dispose();
    } finally {
      await tf.setBackend('cpu');
    }
  });
});
