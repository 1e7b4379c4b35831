import type { DatasetDef, DatasetLoadOptions } from './dataset-def';
import { loadMnistLike } from './load-mnist-like';
import { MNIST_LIKE_INFO } from './mnist-like-info';
import type { MnistLikeName, Split } from './mnist-like-files';

function mnistLikeDef(name: MnistLikeName): DatasetDef {
  return {
    name,
    height: 28,
    width: 28,
    channels: 1,
    numClasses: 10,
    mean: MNIST_LIKE_INFO[name].mean,
    std: MNIST_LIKE_INFO[name].std,
    augment: 'none',
    splits: ['train', 'test'],
    // The IDX loader has its own checksum table format, so `checksums` is not passed on.
    load: (split: string, opts: DatasetLoadOptions = {}) => {
      const { dir, cacheDir, download, verify, limit, fetch, mirrors, onProgress, systemDirs } = opts;
      return loadMnistLike(name, split as Split, { dir, cacheDir, download, verify, limit, fetch, mirrors, onProgress, systemDirs });
    },
  };
}

export const MNIST_DEF = mnistLikeDef('mnist');
export const FASHION_MNIST_DEF = mnistLikeDef('fashion-mnist');
