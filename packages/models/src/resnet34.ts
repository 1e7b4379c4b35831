import { cifarResnet } from '@floatjs/engine';

/**
 * CIFAR ResNet-34 (the FLOAT/OAT reference network, kuangliu/pytorch-cifar layout): [3, 4, 6, 3] basic
 * blocks at 64/128/256/512 channels. 21,282,122 trainable parameters for 32x32x3 inputs and 10 classes.
 */
export const resnet34 = cifarResnet(
  'resnet34',
  'CIFAR ResNet-34: [3,4,6,3] basic blocks, 64/128/256/512 channels, 1x1 conv + BN projection shortcuts',
  [64, 128, 256, 512],
  [3, 4, 6, 3],
);
