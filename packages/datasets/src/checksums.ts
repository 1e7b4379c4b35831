import { createHash } from 'node:crypto';
import type { IdxFileName, MnistLikeName } from './mnist-like-files';

export interface FileChecksum {
  bytes: number;
  sha256: string;
  md5: string;
}

/**
 * `raw` is what gets verified: Debian re-headers the Fashion-MNIST .gz files (so their .gz hashes
 * differ from upstream) and npm packages ship MNIST uncompressed, but the decompressed bytes agree
 * everywhere. `gz` is the official download, kept for reference.
 */
export interface IdxChecksum {
  raw: FileChecksum;
  gz: FileChecksum;
}

export type ChecksumTable = Readonly<Record<MnistLikeName, Readonly<Record<IdxFileName, IdxChecksum>>>>;

// Sources: datasets.md §1.1, §1.2 (raw, verified on real bytes), §2.1, §2.2 (gz: torchvision md5, tfds sha256).
export const IDX_CHECKSUMS: ChecksumTable = {
  mnist: {
    'train-images-idx3-ubyte': {
      raw: { bytes: 47_040_016, md5: '6bbc9ace898e44ae57da46a324031adb', sha256: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db' },
      gz: { bytes: 9_912_422, md5: 'f68b3c2dcbeaaa9fbdd348bbdeb94873', sha256: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609' },
    },
    'train-labels-idx1-ubyte': {
      raw: { bytes: 60_008, md5: 'a25bea736e30d166cdddb491f175f624', sha256: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5' },
      gz: { bytes: 28_881, md5: 'd53e105ee54ea40749a09fcbcd1e9432', sha256: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c' },
    },
    't10k-images-idx3-ubyte': {
      raw: { bytes: 7_840_016, md5: '2646ac647ad5339dbf082846283269ea', sha256: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7' },
      gz: { bytes: 1_648_877, md5: '9fb629c4189551a2d022fa330f9573f3', sha256: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6' },
    },
    't10k-labels-idx1-ubyte': {
      raw: { bytes: 10_008, md5: '27ae3e4e09519cfbb04c329615203637', sha256: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2' },
      gz: { bytes: 4_542, md5: 'ec29112dd5afa0611ce80d1b7f02629c', sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6' },
    },
  },
  'fashion-mnist': {
    'train-images-idx3-ubyte': {
      raw: { bytes: 47_040_016, md5: 'f4a8712d7a061bf5bd6d2ca38dc4d50a', sha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888' },
      gz: { bytes: 26_421_880, md5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d', sha256: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84' },
    },
    'train-labels-idx1-ubyte': {
      raw: { bytes: 60_008, md5: '9018921c3c673c538a1fc5bad174d6f9', sha256: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9' },
      gz: { bytes: 29_515, md5: '25c81989df183df01b3e8a0aad5dffbe', sha256: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845' },
    },
    't10k-images-idx3-ubyte': {
      raw: { bytes: 7_840_016, md5: '8181f5470baa50b63fa0f6fddb340f0a', sha256: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b' },
      gz: { bytes: 4_422_102, md5: 'bef4ecab320f06d8554ea6380940ec79', sha256: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073' },
    },
    't10k-labels-idx1-ubyte': {
      raw: { bytes: 10_008, md5: '15d484375f8d13e6eb1aabb0c3f46965', sha256: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34' },
      gz: { bytes: 5_148, md5: 'bb300cfdad3c16e7a12a480ee83cd310', sha256: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5' },
    },
  },
};

export interface VerifyOptions {
  /** `false` skips the check (for deliberately modified files). Default `true`. */
  verify?: boolean;
  /** Replaces the built-in table (tests, private mirrors). */
  checksums?: ChecksumTable;
  /** Where the bytes came from, for the error message. Defaults to the file name. */
  source?: string;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Throws unless `bytes` (decompressed) are exactly the official `file` of dataset `name`. */
export function verifyRaw(name: MnistLikeName, file: IdxFileName, bytes: Uint8Array, opts: VerifyOptions = {}): void {
  if (opts.verify === false) return;
  const expected = (opts.checksums ?? IDX_CHECKSUMS)[name]?.[file]?.raw;
  const source = opts.source ?? file;
  if (!expected) throw new Error(`${source}: no checksum known for ${name} ${file}; pass verify: false to skip the check`);
  const advice = `the file is corrupt or not the official ${name} release; delete it and fetch it again, or pass verify: false to skip the check`;
  if (bytes.length !== expected.bytes) {
    throw new Error(
      `${source}: wrong size for ${name} ${file} (decompressed): expected ${expected.bytes} bytes, found ${bytes.length}; ${advice}`,
    );
  }
  const actual = sha256Hex(bytes);
  if (actual !== expected.sha256) {
    throw new Error(
      `${source}: sha256 mismatch for ${name} ${file} (decompressed): expected ${expected.sha256}, found ${actual}; ${advice}`,
    );
  }
}
