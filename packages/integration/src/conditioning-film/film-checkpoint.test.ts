import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '@floatjs/backend';
import { loadWeights, saveCheckpoint } from '@floatjs/checkpoint';
import { oat, oatCondition } from '@floatjs/conditioning-film';
import { createModel, type Condition, type Model } from '@floatjs/engine';
import { bitEqual } from '@floatjs/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Moved from conditioning-film's film.test.ts: it needs @floatjs/checkpoint.
const SPEC = { height: 12, width: 12, channels: 1, numClasses: 4 };

let x: tf.Tensor4D;

beforeAll(async () => {
  await selectBackend('cpu');
  x = tf.randomUniform([4, 12, 12, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
});

afterAll(() => x.dispose());

function logits(model: Model, cond: Partial<Condition>, input: tf.Tensor4D = x): Float32Array {
  return tf.tidy(() => model.logitsFn(cond)(input).dataSync() as Float32Array);
}

describe('FiLM (OAT) with checkpoints', () => {
  it('the encoding and FiLM weights survive a checkpoint round trip into a model built with other seeds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'film-ckpt-'));
    try {
      const a = createModel('cnn-s', SPEC, oat({ seed: 11 }), 1);
      const want = [0, 0.2, 1].map((l) => logits(a, oatCondition(l)));
      await saveCheckpoint(dir, a, { test: true });
      const b = createModel('cnn-s', SPEC, oat({ seed: 12 }), 9);
      const encA = a.variables.get('film.encoding')!.dataSync() as Float32Array;
      const encB = () => b.variables.get('film.encoding')!.dataSync() as Float32Array;
      expect(bitEqual(encA, encB())).toBe(false);
      loadWeights(dir, b);
      expect(bitEqual(encA, encB())).toBe(true);
      [0, 0.2, 1].forEach((l, i) => expect(bitEqual(logits(b, oatCondition(l)), want[i])).toBe(true));
      a.dispose();
      b.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

});
