/**
 * Child process of kill-at-every-operation.test.ts (bundled by it with esbuild from the engine's source):
 * `train DIR` trains a tiny model for EPOCHS epochs with a training checkpoint after each; `resume DIR...`
 * resumes each directory in turn from its newest complete checkpoint and finishes the run. With
 * FLOAT_TEST_KILL_AT=N the process kills itself at its N-th checkpoint file operation. It prints the number
 * of checkpoint file operations made and the epoch each run started at.
 */
import { Rng } from '@floatjs/random';
import { checkpointOpCount } from '../fs-ops';
import { findTrainingCheckpoint, restoreTrainingCheckpoint, saveTrainingCheckpoint, tidyForResume } from '../training-state';
import { globalAvgPool, createModel, registerArchitecture, Trainer, type Batch } from '@floatjs/engine';
import { useStockBackend } from '@floatjs/engine/testing';

const [mode, epochsArg, ...dirs] = process.argv.slice(2);
const epochs = Number(epochsArg);
const spec = { height: 8, width: 8, channels: 1, numClasses: 3 };
// One conv + BN + linear: the checkpoint files matter here, not the model, and every kill point starts a process.
registerArchitecture({
  name: 'kill-test-tiny',
  description: 'conv3x3 4 + BN + ReLU, global average pool, linear',
  build(b, input) {
    const conv = b.convNorm('conv1', { inChannels: input.channels, filters: 4, kernelSize: 3, stride: 1, role: 'stem' }, 'bn1', 'relu');
    const fc = b.dense('fc', 4, input.numClasses);
    return (x, ctx) => fc(globalAvgPool(conv(x, ctx)), ctx);
  },
});
const batches = (epoch: number): Batch[] => {
  const rng = new Rng(100 + epoch);
  return [0, 1].map(() => ({ x: rng.fillNormal(new Float32Array(4 * 64), 1), y: Int32Array.from([0, 1, 2, 0]), size: 4 }));
};

async function main(): Promise<void> {
  await useStockBackend('cpu');
  const starts: number[] = [];
  for (const dir of dirs) {
    const model = createModel('kill-test-tiny', spec, [], 7);
    const trainer = new Trainer(model, { epochs, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, schedule: 'cosine', seed: 7, adversary: null });
    let start = 0;
    if (mode === 'resume') {
      const found = findTrainingCheckpoint(dir);
      tidyForResume(dir, found);
      if (found) start = restoreTrainingCheckpoint(found, trainer).epochsDone;
    }
    await trainer.fit({ batchesPerEpoch: 2, batches }, { epochEnd: (e) => saveTrainingCheckpoint(dir, trainer, { tiny: true }, e.epoch + 1) }, start);
    starts.push(start);
    trainer.dispose();
    model.dispose();
  }
  process.stdout.write(`${JSON.stringify({ ops: checkpointOpCount(), starts })}\n`);
}

// Bundled as CommonJS: no top-level await.
void main();
