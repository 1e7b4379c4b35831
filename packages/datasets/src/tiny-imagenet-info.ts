import type { KnownFile } from './known-file';

export const TINY_IMAGENET_NAME = 'tiny-imagenet-200';
export const TINY_IMAGENET_ZIP = 'tiny-imagenet-200.zip';
export const TINY_IMAGENET_URLS: readonly string[] = ['http://cs231n.stanford.edu/tiny-imagenet-200.zip'];

/**
 * md5 as checked by avalanche and other loaders (datasets.md §2.7); the size appears alongside that
 * md5 in third-party records and in torchvision download logs. No official sha256 is published.
 */
export const TINY_IMAGENET_ZIP_CHECKSUM: KnownFile = { bytes: 248_100_043, md5: '90528d7ca1a48142e341f4ef8d21d0de' };

export const TINY_IMAGENET_SIDE = 64;

/** Training-set statistics of pixel/255 (imrahulr `core/data/tiny_imagenet.py`), for normalising inside a model. */
export const TINY_IMAGENET_MEAN: readonly number[] = [0.4802, 0.4481, 0.3975];
export const TINY_IMAGENET_STD: readonly number[] = [0.2302, 0.2265, 0.2262];
