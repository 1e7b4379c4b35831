import { wideResnet } from './wide-resnet';

/** WRN-16-8 with dropout 0.3: OAT's and FLOAT's SVHN model (`models/svhn/wide_resnet*.py`, `WRN16_8`). 10,961,370 parameters at 10 classes. */
export const wrn16x8 = wideResnet(
  'wrn16-8',
  'WRN-16-8 (SVHN in OAT/FLOAT): pre-activation wide blocks, 16/128/256/512 channels, 2 blocks per stage, dropout 0.3',
  16,
  8,
  0.3,
);

/** WRN-40-2 with dropout 0.3: OAT's and FLOAT's STL-10 model (`models/stl10/wide_resnet*.py`, `WRN40_2`). 2,243,546 parameters at 10 classes. */
export const wrn40x2 = wideResnet(
  'wrn40-2',
  'WRN-40-2 (STL-10 in OAT/FLOAT): pre-activation wide blocks, 16/32/64/128 channels, 6 blocks per stage, dropout 0.3',
  40,
  2,
  0.3,
);
