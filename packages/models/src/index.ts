import { getArchitecture, registerArchitecture, type ArchitectureDef } from '@floatjs/engine';
import { resnet18In64, resnet34In64 } from './resnet-64';
import { resnet18 } from './resnet18';
import { resnet18Imagenet } from './resnet18-imagenet';
import { resnet34 } from './resnet34';
import { wrn16x8, wrn40x2 } from './wrn';

export { imagenetResnet } from './imagenet-resnet';
export { wideResnet } from './wide-resnet';
export { withInputSize } from './fixed-input';
export { resnet18, resnet34, resnet18In64, resnet34In64, resnet18Imagenet, wrn16x8, wrn40x2 };

/** The paper's architectures, registered by name in the engine's zoo when this package is imported. */
export const PAPER_ARCHITECTURES: readonly ArchitectureDef[] = [resnet34, resnet18, resnet18In64, resnet34In64, resnet18Imagenet, wrn16x8, wrn40x2];
for (const def of PAPER_ARCHITECTURES) if (!getArchitecture(def.name)) registerArchitecture(def);
