import * as tf from '@tensorflow/tfjs-core';
import type { ArchitectureDef, ModelBuilder } from '../model';
import type { ForwardContext } from '../plugin';

type Apply = (x: tf.Tensor4D, ctx: ForwardContext) => tf.Tensor4D;

/** conv3x3-BN-ReLU-conv3x3-BN + shortcut, then ReLU; shared by the CIFAR and ImageNet-stem ResNets. */
export function basicBlock(b: ModelBuilder, name: string, inCh: number, outCh: number, stride: number): Apply {
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
 * A CIFAR-style ResNet of basic blocks: 3x3 stem conv (stride 1) + BN, stages of `depths[s]` blocks at
 * `widths[s]` channels (stride 2 at the start of every stage but the first), 1x1 conv + BN projection
 * shortcuts, global average pool, linear. Layer names: `stem.conv`, `layerS.B.conv1|bn1|conv2|bn2|shortcut.*`, `fc`.
 */
export function cifarResnet(name: string, description: string, widths: number[], depths: number[]): ArchitectureDef {
  return {
    name,
    description,
    build(b, input) {
      const stem = b.conv('stem.conv', { inChannels: input.channels, filters: widths[0], kernelSize: 3, role: 'stem' });
      const stemBn = b.norm('stem.bn', widths[0]);
      const blocks: Apply[] = [];
      let inCh = widths[0];
      widths.forEach((w, stage) => {
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
}
