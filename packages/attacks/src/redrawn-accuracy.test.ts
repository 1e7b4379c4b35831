import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { redrawnAccuracy } from './redrawn-accuracy';
import { useBackend } from './test-utils/tf-setup';
import type { LogitsFn } from './types';

const N = 4;
const CLEAN = 0.5;

/**
 * A scripted randomized model on [n, 2, 2, 1] images, label 0: the clean image (all 0.5) is always classified
 * right; an image whose pixel (0, 0) is moved by δ is misclassified exactly on the calls (0-based, one call
 * per forward) listed for that δ. Each forward of a randomized model is one noise draw; the script says
 * which draws a candidate fools.
 */
function scriptedModel(foolsOnCalls: Map<number, readonly number[]>): { logitsFn: LogitsFn; calls: () => number } {
  let calls = 0;
  const logitsFn: LogitsFn = (x) => {
    const call = calls++;
    const moved = tf.tidy(() => tf.sub(tf.slice(x, [0, 0, 0, 0], [-1, 1, 1, 1]), CLEAN).dataSync());
    const rows = Array.from(moved, (d) => {
      const key = Math.round(d * 100);
      const fooled = (foolsOnCalls.get(key) ?? []).includes(call);
      return fooled ? [0, 1] : [1, 0];
    });
    return tf.tensor2d(rows);
  };
  return { logitsFn, calls: () => calls };
}

function images(delta: number): tf.Tensor4D {
  return tf.tidy(() => tf.add(tf.fill([N, 2, 2, 1], CLEAN), tf.pad(tf.fill([N, 1, 1, 1], delta), [[0, 0], [0, 1], [0, 1], [0, 0]])) as tf.Tensor4D);
}

beforeAll(async () => {
  await useBackend('cpu');
});

describe('redrawnAccuracy', () => {
  it('counts a candidate that fools the model in some draws as broken in exactly those draws', async () => {
    const x = images(0);
    const adv = images(0.05);
    const y = tf.zeros([N], 'int32') as tf.Tensor1D;
    // One group of one input: each draw is 2 calls (clean, adv). The candidate fools in draws 0 and 2.
    const model = scriptedModel(new Map([[5, [1, 5]]]));
    const result = await redrawnAccuracy(model.logitsFn, x, y, [[adv]], { draws: 4, batchSize: N });
    expect(model.calls()).toBe(8);
    expect(result.clean.perDraw).toEqual([100, 100, 100, 100]);
    expect(result.robust[0].perDraw).toEqual([0, 100, 0, 100]);
    // The counts behind the percentages, per draw (what sharded evaluations add up).
    expect(result.clean.counts).toEqual([N, N, N, N]);
    expect(result.robust[0].counts).toEqual([0, N, 0, N]);
    expect(result.robust[0].mean).toBe(50);
    expect(result.robust[0].std).toBeCloseTo(Math.sqrt((4 * 2500) / 3), 10);
    // Judging the point on clean x (what keeping no candidate amounts to) would say 100 % in every draw.
    const onClean = await redrawnAccuracy(scriptedModel(new Map([[5, [1, 5]]])).logitsFn, x, y, [[x]], { draws: 4, batchSize: N });
    expect(onClean.robust[0].mean).toBe(100);
    tf.dispose([x, adv, y]);
  });

  it('takes the worst case across a group’s candidates within each draw; groups share the clean forward', async () => {
    const x = images(0);
    const a = images(0.05);
    const b = images(0.08);
    const y = tf.zeros([N], 'int32') as tf.Tensor1D;
    // Per draw: clean, a, b (group 0), a (group 1) → calls 4d … 4d + 3. a fools at call 1 (draw 0, group 0), b at
    // call 6 (draw 1, group 0); a at call 11 (draw 2, group 1) is a's own forward in group 1.
    const model = scriptedModel(
      new Map([
        [5, [1, 11]],
        [8, [6]],
      ]),
    );
    const result = await redrawnAccuracy(model.logitsFn, x, y, [[a, b], [a]], { draws: 3, batchSize: N });
    expect(model.calls()).toBe(12);
    expect(result.robust[0].perDraw).toEqual([0, 0, 100]);
    expect(result.robust[1].perDraw).toEqual([100, 100, 0]);
    tf.dispose([x, a, b, y]);
  });

  it('rejects bad draws, shapes and empty groups, and leaks no tensors', async () => {
    const x = images(0);
    const y = tf.zeros([N], 'int32') as tf.Tensor1D;
    const small = tf.zeros([N - 1, 2, 2, 1]) as tf.Tensor4D;
    const { logitsFn } = scriptedModel(new Map());
    await expect(redrawnAccuracy(logitsFn, x, y, [[x]], { draws: 0 })).rejects.toThrow(/draws/);
    await expect(redrawnAccuracy(logitsFn, x, y, [[small]], { draws: 1 })).rejects.toThrow(/shape/);
    await expect(redrawnAccuracy(logitsFn, x, y, [[]], { draws: 1 })).rejects.toThrow(/no adversarial/);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      await redrawnAccuracy(logitsFn, x, y, [[x], [x, x]], { draws: 2, batchSize: 3 });
      expect(tf.memory().numTensors).toBe(before);
    }
    tf.dispose([x, y, small]);
  });
});
