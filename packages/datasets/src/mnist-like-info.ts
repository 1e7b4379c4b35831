import type { MnistLikeName } from './mnist-like-files';

/** Per-dataset metadata. Mean/std are of pixel/255 over the training set, for normalising inside a model. */
export interface MnistLikeInfo {
  classNames: readonly string[];
  mean: readonly number[];
  std: readonly number[];
}

export const MNIST_LIKE_INFO: Readonly<Record<MnistLikeName, MnistLikeInfo>> = {
  mnist: {
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    mean: [0.1307],
    std: [0.3081],
  },
  'fashion-mnist': {
    classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
    mean: [0.286],
    std: [0.353],
  },
};
