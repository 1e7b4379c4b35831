import * as tf from '@tensorflow/tfjs-core';
import { basicBlock, globalAvgPool, type ArchitectureDef, type ForwardContext } from '@floatjs/engine';

type Apply = (x: tf.Tensor4D, ctx: ForwardContext) => tf.Tensor4D;

/**
 * A ResNet with the ImageNet stem of He et al. (2016) / torchvision: 7x7 stride-2 conv (pad 3) + BN + ReLU,
 * 3x3 stride-2 max-pool (pad 1, padding never wins the max, as in PyTorch), then the same basic-block
 * stages as `cifarResnet`, global average pool, linear. At 224x224 the stages run at 56, 28, 14 and 7.
 * Layer names match `cifarResnet`, so plugins and checkpoints treat both alike.
 */
export function imagenetResnet(name: string, description: string, widths: number[], depths: number[]): ArchitectureDef {
  return {
    name,
    description,
    build(b, input) {
      const stem = b.convNorm('stem.conv', { inChannels: input.channels, filters: widths[0], kernelSize: 7, stride: 2, role: 'stem' }, 'stem.bn', 'relu');
      const blocks: Apply[] = [];
      let inCh = widths[0];
      widths.forEach((w, stage) => {
        for (let i = 0; i < depths[stage]; i++) {
          blocks.push(basicBlock(b, `layer${stage + 1}.${i}`, inCh, w, stage > 0 && i === 0 ? 2 : 1));
          inCh = w;
        }
      });
      const fc = b.dense('fc', inCh, input.numClasses);
      return (x, ctx) => {
        let h = stem(x, ctx);
        h = tf.maxPool(h, 3, 2, 1);
        for (const block of blocks) h = block(h, ctx);
        return fc(globalAvgPool(h), ctx);
      };
    },
  };
}
