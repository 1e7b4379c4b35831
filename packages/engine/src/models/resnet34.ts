import * as tf from '@tensorflow/tfjs-core';
import type { ArchitectureDef, ModelBuilder } from '../model';
import type { ForwardContext } from '../plugin';

type Apply = (x: tf.Tensor4D, ctx: ForwardContext) => tf.Tensor4D;

function basicBlock(b: ModelBuilder, name: string, inCh: number, outCh: number, stride: number): Apply {
  const conv1 = b.conv(`${name}.conv1`, { inChannels: inCh, filters: outCh, kernelSize: 3, stride });
  const bn1 = b.norm(`${name}.bn1`, outCh);
  const conv2 = b.conv(`${name}.conv2`, { inChannels: outCh, filters: outCh, kernelSize: 3 });
  const bn2 = b.norm(`${name}.bn2`, outCh);
  const needsProjection = stride !== 1 || inCh !== outCh;
  const scConv = needsProjection ? b.conv(`${name}.shortcut.conv`, { inChannels: inCh, filters: outCh, kernelSize: 1, stride, role: 'shortcut' }) : null;
  const scBn = needsProjection ? b.norm(`${name}.shortcut.bn`, outCh) : null;
  return (x, ctx) => {
    const h = tf.relu(bn1(conv1(x, ctx), ctx));
    const main = bn2(conv2(h, ctx), ctx);
    const short = scConv && scBn ? scBn(scConv(x, ctx), ctx) : x;
    return tf.relu(tf.add(main, short)) as tf.Tensor4D;
  };
}

/**
 * CIFAR ResNet-34 (the FLOAT/OAT reference network, kuangliu/pytorch-cifar layout): 3x3 stem conv with
 * stride 1, four stages of [3, 4, 6, 3] basic blocks at 64/128/256/512 channels (stride 2 at the start of
 * stages 2-4), 1x1 conv + BN projection shortcuts, global average pool, linear. 21,282,122 trainable
 * parameters for 32x32x3 inputs and 10 classes.
 */
export const resnet34: ArchitectureDef = {
  name: 'resnet34',
  description: 'CIFAR ResNet-34: [3,4,6,3] basic blocks, 64/128/256/512 channels, 1x1 conv + BN projection shortcuts',
  build(b, input) {
    const stem = b.conv('stem.conv', { inChannels: input.channels, filters: 64, kernelSize: 3, role: 'stem' });
    const stemBn = b.norm('stem.bn', 64);
    const blocks: Apply[] = [];
    let inCh = 64;
    const depths = [3, 4, 6, 3];
    [64, 128, 256, 512].forEach((w, stage) => {
      for (let i = 0; i < depths[stage]; i++) {
        const stride = stage > 0 && i === 0 ? 2 : 1;
        blocks.push(basicBlock(b, `layer${stage + 1}.${i}`, inCh, w, stride));
        inCh = w;
      }
    });
    const fc = b.dense('fc', inCh, input.numClasses);
    return (x, ctx) => {
      let h = tf.relu(stemBn(stem(x, ctx), ctx));
      for (const block of blocks) h = block(h, ctx);
      return fc(tf.mean(h, [1, 2]) as tf.Tensor2D, ctx);
    };
  },
};
