import type { DataSource } from './data-source';

const UFLDL = 'http://ufldl.stanford.edu/housenumbers/';

// Sources: datasets.md §2.5 (bytes and sha256 from tfds url_checksums/svhn_cropped.txt, md5 from torchvision svhn.py).
export const SVHN_SOURCE: DataSource = {
  dataset: 'svhn',
  members: {
    'train_32x32.mat': {
      urls: [`${UFLDL}train_32x32.mat`],
      bytes: 182_040_794,
      md5: 'e26dedcc434d2e4c54c9b2d4a06d8373',
      sha256: '435e94d69a87fde4fd4d7f3dd208dfc32cb6ae8af2240d066de1df7508d083b8',
    },
    'test_32x32.mat': {
      urls: [`${UFLDL}test_32x32.mat`],
      bytes: 64_275_384,
      md5: 'eb5a983be6a315427106f1b164d9cef3',
      sha256: 'cdce80dfb2a2c4c6160906d0bd7c68ec5a99d7ca4831afa54f09182025b6a75b',
    },
    'extra_32x32.mat': {
      urls: [`${UFLDL}extra_32x32.mat`],
      bytes: 1_329_278_602,
      md5: 'a93ce644f1a588dc4d68dda5feec44a7',
      sha256: 'a133a4beb38a00fcdda90c9489e0c04f900b660ce8a316a5e854838379a71eb3',
    },
  },
  hint: `download the "Format 2" cropped digits ${UFLDL}{train,test,extra}_32x32.mat`,
};

export const SVHN_CLASSES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
