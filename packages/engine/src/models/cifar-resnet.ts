import * as tf from '@tensorflow/tfjs-core';
import { globalAvgPool } from '../layers/global-avg-pool';
import type { ArchitectureDef, ModelBuilder } from '../model';
import type { ForwardContext } from '../plugin';

type Apply = (x: tf.Tensor4D, ctx: ForwardContext) => tf.Tensor4D;

/** conv3x3-BN-ReLU-conv3x3-BN + shortcut, then ReLU; shared by the CIFAR and ImageNet-stem ResNets. */
export function basicBlock(b: ModelBuilder, name: string, inCh: number, outCh: number, stride: number): Apply {
  const first = b.convNorm(`${name}.conv1`, { inChannels: inCh, filters: outCh, kernelSize: 3, stride }, `${name}.bn1`, 'relu');
  // ReLU after the shortcut add: the block's last conv, its add and ReLU run as one fused kernel in attacks.
  const second = b.convNorm(`${name}.conv2`, { inChannels: outCh, filters: outCh, kernelSize: 3 }, `${name}.bn2`, 'relu');
  const needsProjection = stride !== 1 || inCh !== outCh;
  const projection = needsProjection
    ? b.convNorm(`${name}.shortcut.conv`, { inChannels: inCh, filters: outCh, kernelSize: 1, stride, role: 'shortcut' }, `${name}.shortcut.bn`, 'linear')
    : null;
  // The shortcut runs after conv2's weight is drawn, as in the unfused block, so noise draws keep their order.
  return (x, ctx) => second(first(x, ctx), ctx, projection ? () => projection(x, ctx) : x);
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
      const stem = b.convNorm('stem.conv', { inChannels: input.channels, filters: widths[0], kernelSize: 3, role: 'stem' }, 'stem.bn', 'relu');
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
        let h = stem(x, ctx);
        for (const block of blocks) h = block(h, ctx);
        return fc(globalAvgPool(h), ctx);
      };
    },
  };
}
