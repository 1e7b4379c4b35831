import * as tf from '@tensorflow/tfjs-core';
import { globalAvgPool, relu, type ArchitectureDef, type ForwardContext, type ModelBuilder } from '@floatjs/engine';

type Apply = (x: tf.Tensor4D, ctx: ForwardContext) => tf.Tensor4D;

/**
 * Pre-activation wide basic block, laid out as OAT's and FLOAT's `models/svhn|stl10/wide_resnet*.py`
 * (from jeromerony/fast_adversarial): BN-ReLU-conv3x3(stride)-BN-ReLU-dropout-conv3x3, added to the
 * shortcut. When the channel count changes the shortcut is a bias-free 1x1 conv (no BN) applied to the
 * *activated* input relu(bn1(x)); otherwise it is the raw input x.
 */
function wideBlock(b: ModelBuilder, name: string, inCh: number, outCh: number, stride: number, dropRate: number): Apply {
  const bn1 = b.norm(`${name}.bn1`, inCh);
  // conv1 → bn2 → ReLU is post-activation inside the block, so inference forwards fold it into one kernel.
  const inner = b.convNorm(`${name}.conv1`, { inChannels: inCh, filters: outCh, kernelSize: 3, stride }, `${name}.bn2`, 'relu');
  const drop = b.dropout(`${name}.dropout`, dropRate);
  const conv2 = b.conv(`${name}.conv2`, { inChannels: outCh, filters: outCh, kernelSize: 3 });
  // The reference tests only in != out; a stride change always comes with one in WRNs, but guard anyway.
  const project = inCh !== outCh || stride !== 1;
  const scConv = project ? b.conv(`${name}.shortcut.conv`, { inChannels: inCh, filters: outCh, kernelSize: 1, stride, role: 'shortcut' }) : null;
  return (x, ctx) => {
    const a = relu(bn1(x, ctx));
    const h = drop(inner(a, ctx), ctx);
    const short = scConv ? scConv(a, ctx) : x;
    return tf.add(conv2(h, ctx), short) as tf.Tensor4D;
  };
}

/**
 * WRN-depth-k (Zagoruyko & Komodakis 2016): 3x3 stem conv to 16 channels, three stages of (depth − 4)/6
 * pre-activation blocks at 16k, 32k, 64k channels (stride 2 at the start of stages 2 and 3), final BN-ReLU,
 * global average pool, linear. Convs are bias-free; the linear has a bias. Layer names: `stem.conv`,
 * `layerS.B.bn1|conv1|bn2|conv2|shortcut.conv`, `head.bn`, `fc`.
 */
export function wideResnet(name: string, description: string, depth: number, widen: number, dropRate: number): ArchitectureDef {
  if ((depth - 4) % 6 !== 0 || depth < 10) throw new Error(`wide resnet ${name}: depth must be 6n + 4 with n ≥ 1, got ${depth}`);
  if (!Number.isInteger(widen) || widen < 1) throw new Error(`wide resnet ${name}: widen factor must be a positive integer, got ${widen}`);
  const perStage = (depth - 4) / 6;
  const widths = [16 * widen, 32 * widen, 64 * widen];
  return {
    name,
    description,
    build(b, input) {
      const stem = b.conv('stem.conv', { inChannels: input.channels, filters: 16, kernelSize: 3, role: 'stem' });
      const blocks: Apply[] = [];
      let inCh = 16;
      widths.forEach((w, stage) => {
        for (let i = 0; i < perStage; i++) {
          blocks.push(wideBlock(b, `layer${stage + 1}.${i}`, inCh, w, stage > 0 && i === 0 ? 2 : 1, dropRate));
          inCh = w;
        }
      });
      const headBn = b.norm('head.bn', inCh);
      const fc = b.dense('fc', inCh, input.numClasses);
      return (x, ctx) => {
        let h = stem(x, ctx);
        for (const block of blocks) h = block(h, ctx);
        h = relu(headBn(h, ctx));
        // The reference's avg_pool2d(8) at 32x32 (SVHN) and avg_pool2d(24) at 96x96 (STL-10) are both global.
        return fc(globalAvgPool(h), ctx);
      };
    },
  };
}
