import type { MnistLikeName } from './mnist-like-files';

/**
 * Base URLs tried in order; `<base><file>.gz` is fetched. yann.lecun.com comes last because it has
 * answered 403 to scripted downloads since 2024.
 */
export const DOWNLOAD_MIRRORS: Readonly<Record<MnistLikeName, readonly string[]>> = {
  mnist: [
    'https://ossci-datasets.s3.amazonaws.com/mnist/',
    'https://storage.googleapis.com/cvdf-datasets/mnist/',
    'http://yann.lecun.com/exdb/mnist/',
  ],
  'fashion-mnist': ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'],
};
