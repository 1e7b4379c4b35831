import { cifarResnet } from '@floatjs/engine';

/**
 * CIFAR ResNet-18 (kuangliu/pytorch-cifar layout, as in OAT's models/cifar10/resnet.py): [2, 2, 2, 2] basic
 * blocks at 64/128/256/512 channels, 3x3 stride-1 stem, no max-pool. 11,173,962 trainable parameters for 10 classes.
 */
export const resnet18 = cifarResnet(
  'resnet18',
  'CIFAR ResNet-18: [2,2,2,2] basic blocks, 64/128/256/512 channels, 3x3 stride-1 stem, 1x1 conv + BN projection shortcuts',
  [64, 128, 256, 512],
  [2, 2, 2, 2],
);
