import { resnet18 } from './resnet18';
import { resnet34 } from './resnet34';
import { withInputSize } from './fixed-input';

/*
 * Tiny-ImageNet (64x64) ResNets. FLOAT's code imports `models.tiny_imagenet.resnet_OAT.ResNet34OAT_TINY`
 * (shunlinlu/FLOAT_v2 OAT_sparse.py, commented out; the file itself is not in the upload), i.e. its CIFAR
 * ResNet adapted to Tiny-ImageNet; OAT has no Tiny-ImageNet model. We keep the CIFAR layout unchanged
 * (3x3 stride-1 stem, no max-pool, so the last stage is 8x8) with a global average pool, the usual
 * Tiny-ImageNet adaptation; the parameter count equals the CIFAR net's for the same class count.
 */
export const resnet18In64 = withInputSize(
  resnet18,
  'resnet18-64',
  'ResNet-18 for 64x64 inputs (Tiny-ImageNet): CIFAR layout, 3x3 stride-1 stem, no max-pool, 8x8 last stage, global average pool',
  64,
  64,
);

export const resnet34In64 = withInputSize(
  resnet34,
  'resnet34-64',
  'ResNet-34 for 64x64 inputs (Tiny-ImageNet): CIFAR layout, 3x3 stride-1 stem, no max-pool, 8x8 last stage, global average pool',
  64,
  64,
);
