/** The two datasets that share MNIST's four-file IDX layout (and its file names). */
export type MnistLikeName = 'mnist' | 'fashion-mnist';

export type Split = 'train' | 'test';

/** File names without `.gz`; the same for MNIST and Fashion-MNIST. */
export const IDX_FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const;

export type IdxFileName = (typeof IDX_FILES)[Split][keyof (typeof IDX_FILES)[Split]];

/** All four files in the order error messages and downloads use. */
export const ALL_IDX_FILES: readonly IdxFileName[] = [
  IDX_FILES.train.images,
  IDX_FILES.train.labels,
  IDX_FILES.test.images,
  IDX_FILES.test.labels,
];

export const MNIST_LIKE_NAMES: readonly MnistLikeName[] = ['mnist', 'fashion-mnist'];

export function assertMnistLikeName(name: string): asserts name is MnistLikeName {
  if (!(MNIST_LIKE_NAMES as readonly string[]).includes(name)) {
    throw new Error(`unknown dataset "${name}": expected one of ${MNIST_LIKE_NAMES.join(', ')}`);
  }
}
