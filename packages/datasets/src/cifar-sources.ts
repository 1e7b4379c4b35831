import type { DataSource } from './data-source';

export type CifarName = 'cifar10' | 'cifar100';

const TORONTO = 'https://www.cs.toronto.edu/~kriz/';

// Sources: datasets.md §2.3–2.4. Archive md5 from the official cifar.html table, sha256 from tfds
// url_checksums; member md5s are third-party (rai-project/dldataset), sizes follow from the record layout.
export const CIFAR_SOURCES: Readonly<Record<CifarName, DataSource>> = {
  cifar10: {
    dataset: 'cifar10',
    archive: {
      file: 'cifar-10-binary.tar.gz',
      urls: [`${TORONTO}cifar-10-binary.tar.gz`],
      bytes: 170_052_171,
      md5: 'c32a1d4ab5d03f1284b67883e8d87530',
      sha256: 'c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd',
    },
    folder: 'cifar-10-batches-bin',
    members: {
      'data_batch_1.bin': { bytes: 30_730_000, md5: '5dd7e06a14cb22eb9f671a540d1b7c25' },
      'data_batch_2.bin': { bytes: 30_730_000, md5: '5ea93a67294ea407fff1d09f752e9692' },
      'data_batch_3.bin': { bytes: 30_730_000, md5: '942cd6a4bcdd0dd3c604fbe906cb4421' },
      'data_batch_4.bin': { bytes: 30_730_000, md5: 'ae636b3ba5c66a11e91e8cb52e771fcb' },
      'data_batch_5.bin': { bytes: 30_730_000, md5: '53f37980c15c3d472c316c40844f3f0d' },
      'test_batch.bin': { bytes: 30_730_000, md5: '803d5f7f4d78ea53de84dbe85f74fb6d' },
      'batches.meta.txt': {},
    },
    hint: `download ${TORONTO}cifar-10-binary.tar.gz (the "binary version", not the python one)`,
  },
  cifar100: {
    dataset: 'cifar100',
    archive: {
      file: 'cifar-100-binary.tar.gz',
      urls: [`${TORONTO}cifar-100-binary.tar.gz`],
      bytes: 168_513_733,
      md5: '03b5dce01913d631647c71ecec9e9cb8',
      sha256: '58a81ae192c23a4be8b1804d68e518ed807d710a4eb253b1f2a199162a40d8ec',
    },
    folder: 'cifar-100-binary',
    members: {
      'train.bin': { bytes: 153_700_000, md5: '6172c7755cfe09b2fe270c85cebc1b15' },
      'test.bin': { bytes: 30_740_000, md5: '4499cfba6c016c1be1438163640a0898' },
      'fine_label_names.txt': {},
      'coarse_label_names.txt': {},
    },
    hint: `download ${TORONTO}cifar-100-binary.tar.gz (the "binary version", not the python one)`,
  },
};

/** Training files in the order their records are numbered (the reference concatenates them so). */
export const CIFAR_TRAIN_FILES: Readonly<Record<CifarName, readonly string[]>> = {
  cifar10: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
  cifar100: ['train.bin'],
};

export const CIFAR_TEST_FILES: Readonly<Record<CifarName, readonly string[]>> = {
  cifar10: ['test_batch.bin'],
  cifar100: ['test.bin'],
};

export const CIFAR10_CLASSES: readonly string[] = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

export const CIFAR100_FINE_CLASSES: readonly string[] = (
  'apple aquarium_fish baby bear beaver bed bee beetle bicycle bottle bowl boy bridge bus butterfly camel can castle ' +
  'caterpillar cattle chair chimpanzee clock cloud cockroach couch crab crocodile cup dinosaur dolphin elephant flatfish ' +
  'forest fox girl hamster house kangaroo keyboard lamp lawn_mower leopard lion lizard lobster man maple_tree motorcycle ' +
  'mountain mouse mushroom oak_tree orange orchid otter palm_tree pear pickup_truck pine_tree plain plate poppy porcupine ' +
  'possum rabbit raccoon ray road rocket rose sea seal shark shrew skunk skyscraper snail snake spider squirrel streetcar ' +
  'sunflower sweet_pepper table tank telephone television tiger tractor train trout tulip turtle wardrobe whale ' +
  'willow_tree wolf woman worm'
).split(' ');

export const CIFAR100_COARSE_CLASSES: readonly string[] = (
  'aquatic_mammals fish flowers food_containers fruit_and_vegetables household_electrical_devices household_furniture ' +
  'insects large_carnivores large_man-made_outdoor_things large_natural_outdoor_scenes large_omnivores_and_herbivores ' +
  'medium_mammals non-insect_invertebrates people reptiles small_mammals trees vehicles_1 vehicles_2'
).split(' ');
