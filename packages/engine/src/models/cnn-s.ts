import { globalAvgPool } from '../layers/global-avg-pool';
import type { ArchitectureDef } from '../model';

/** conv3x3 32 → conv3x3 64 s2 → conv3x3 128 s2, each bias-free + BN + ReLU, global average pool, linear. */
export const cnnS: ArchitectureDef = {
  name: 'cnn-s',
  description: 'Small CNN for 28x28 digits/fashion: 32, 64 s2, 128 s2 channels, BN, GAP, linear',
  build(b, input) {
    const widths = [32, 64, 128];
    const strides = [1, 2, 2];
    let inCh = input.channels;
    const stages = widths.map((w, i) => {
      const stage = b.convNorm(`conv${i + 1}`, { inChannels: inCh, filters: w, kernelSize: 3, stride: strides[i], role: i === 0 ? 'stem' : 'body' }, `bn${i + 1}`, 'relu');
      inCh = w;
      return stage;
    });
    const fc = b.dense('fc', inCh, input.numClasses);
    return (x, ctx) => {
      let h = x;
      for (const stage of stages) h = stage(h, ctx);
      return fc(globalAvgPool(h), ctx);
    };
  },
};
