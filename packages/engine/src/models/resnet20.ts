import { cifarResnet } from './cifar-resnet';

/** CIFAR ResNet-20 (He et al. 2016): 3 stages × 3 basic blocks, 16/32/64 channels, 1x1 conv + BN shortcuts. */
export const resnet20 = cifarResnet(
  'resnet20',
  'CIFAR ResNet-20: 16/32/64 channels, 3x3 basic blocks, 1x1 conv + BN projection shortcuts',
  [16, 32, 64],
  [3, 3, 3],
);
