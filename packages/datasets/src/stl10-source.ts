import type { DataSource } from './data-source';

const ACOATES = 'http://ai.stanford.edu/~acoates/stl10/';

// Sources: datasets.md §2.6 (archive md5 and member md5s from torchvision stl10.py, archive sha256
// from tfds url_checksums/stl10.txt; sizes follow from 27,648 bytes per image).
export const STL10_SOURCE: DataSource = {
  dataset: 'stl10',
  archive: {
    file: 'stl10_binary.tar.gz',
    urls: [`${ACOATES}stl10_binary.tar.gz`],
    bytes: 2_640_397_119,
    md5: '91f7769df0f17e558f3565bffb0c7dfb',
    sha256: 'f31fd99273a1acb8609c8db427cebb1de3f71de77758cdc0e22956e1289b9866',
  },
  folder: 'stl10_binary',
  members: {
    'train_X.bin': { bytes: 138_240_000, md5: '918c2871b30a85fa023e0c44e0bee87f' },
    'train_y.bin': { bytes: 5_000, md5: '5a34089d4802c674881badbb80307741' },
    'test_X.bin': { bytes: 221_184_000, md5: '7f263ba9f9e0b06b93213547f721ac82' },
    'test_y.bin': { bytes: 8_000, md5: '36f9794fa4beb8a2c72628de14fa638e' },
    'unlabeled_X.bin': { bytes: 2_764_800_000, md5: '5242ba1fed5e4be9e1e742405eb56ca4' },
    'class_names.txt': {},
    'fold_indices.txt': {},
  },
  hint: `download ${ACOATES}stl10_binary.tar.gz (2.6 GB; the binary version)`,
};

/** Label 1..10 in the files is index 0..9 here, in class_names.txt order. */
export const STL10_CLASSES: readonly string[] = ['airplane', 'bird', 'car', 'cat', 'deer', 'dog', 'horse', 'monkey', 'ship', 'truck'];

export const STL10_SIDE = 96;
export const STL10_IMAGE_BYTES = STL10_SIDE * STL10_SIDE * 3;
