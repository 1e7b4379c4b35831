import { Rng, type Batch, type BatchSource, type InputSpec } from '@floatjs/engine';

/** cnn-s on 12×12×1 inputs, 4 classes: small enough for a few CPU training steps per test. */
export const SPEC: InputSpec = { height: 12, width: 12, channels: 1, numClasses: 4 };
const BATCH = 8;

/** `batches` fixed batches of uniform random images with cycling labels, the same every epoch. */
export function source(batches: number, seed = 1): BatchSource {
  const rng = new Rng(seed);
  const list: Batch[] = Array.from({ length: batches }, () => {
    const x = new Float32Array(BATCH * SPEC.height * SPEC.width);
    for (let i = 0; i < x.length; i++) x[i] = rng.nextFloat();
    const y = Int32Array.from({ length: BATCH }, (_, i) => i % SPEC.numClasses);
    return { x, y, size: BATCH };
  });
  return { batchesPerEpoch: batches, batches: () => list };
}
