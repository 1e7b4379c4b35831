import { imagenetResnet } from './imagenet-resnet';

/**
 * ResNet-18 for 224x224 ImageNet(-100) inputs: torchvision's layout (7x7/2 stem, 3x3/2 max-pool, [2, 2, 2, 2]
 * basic blocks at 64/128/256/512, 1x1 conv + BN projection shortcuts). 11,689,512 parameters at 1000
 * classes, torchvision's `resnet18` count; 11,227,812 at 100 classes. Neither FLOAT's nor OAT's code has an
 * ImageNet model (the paper defers ImageNet details to its supplement), so this follows He et al. (2016).
 */
export const resnet18Imagenet = imagenetResnet(
  'resnet18-imagenet',
  'ImageNet ResNet-18 (224x224): 7x7 stride-2 stem, 3x3 stride-2 max-pool, [2,2,2,2] basic blocks, 64/128/256/512 channels',
  [64, 128, 256, 512],
  [2, 2, 2, 2],
);
