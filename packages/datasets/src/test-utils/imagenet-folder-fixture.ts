import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeBlockRgbJpeg, encodeDcOnlyJpeg } from './jpeg-dc-encoder';

export interface FakeImagenetFolderOptions {
  /** wnids to create, any order. Default: four CMC ImageNet-100 wnids, listed out of sorted order. */
  classes?: readonly string[];
  /** Default 3. */
  trainPerClass?: number;
  /** Default 2. */
  valPerClass?: number;
  /** Image k's height and width. Default: varied, non-square sizes from 20 to 59 pixels. */
  size?: (k: number) => readonly [number, number];
}

export interface FakeImage {
  /** Absolute path. */
  file: string;
  /** Index in the sorted class list. */
  label: number;
  height: number;
  width: number;
  /** The encoded pixels (height·width·3); decoders reproduce them within about ±2. */
  rgb: Uint8Array;
}

export interface FakeImagenetFolder {
  root: string;
  /** The classes in label (sorted) order. */
  classes: string[];
  /** In ImageFolder order: class by class, files sorted by name. */
  train: FakeImage[];
  val: FakeImage[];
  /** The grayscale (1-component) and Adobe CMYK files among the train images. */
  grayscaleFile: string;
  cmykFile: string;
}

export const FAKE_IMAGENET_CLASSES: readonly string[] = ['n04589890', 'n01749939', 'n13040303', 'n02869837'];
/** A folder that is not in any class list and must be ignored. */
export const FAKE_IMAGENET_EXTRA_CLASS = 'n00000042';

function colour(k: number, by: number, bx: number): [number, number, number] {
  const base = [k % 8, Math.floor(k / 8) % 8, (k * 3 + 1) % 8].map((v) => 10 + 16 * v);
  return [base[0] + 9 * bx + 3 * ((bx + by) & 1), base[1] + 9 * by, base[2] + 5 * ((bx + 2 * by) % 4)];
}

function blockImage(height: number, width: number, px: (by: number, bx: number) => readonly number[]): Uint8Array {
  const out = new Uint8Array(height * width * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out.set(px(y >> 3, x >> 3), (y * width + x) * 3);
  return out;
}

/**
 * Writes `<dir>/imagenet/{train,val}/<wnid>/*.JPEG` (ILSVRC2012 file names), plus a folder for a
 * class outside the list; train holds one grayscale and one Adobe CMYK JPEG. Images are constant on
 * 8×8 blocks, so their pixels are known exactly.
 */
export async function writeFakeImagenetFolder(dir: string, opts: FakeImagenetFolderOptions = {}): Promise<FakeImagenetFolder> {
  const classes = [...(opts.classes ?? FAKE_IMAGENET_CLASSES)];
  const sorted = [...classes].sort();
  const trainPer = opts.trainPerClass ?? 3;
  const valPer = opts.valPerClass ?? 2;
  const size = opts.size ?? ((k: number) => [20 + ((k * 13) % 40), 20 + ((k * 7) % 40)] as const);
  const root = join(dir, 'imagenet');
  let k = 0;
  let valId = 1;
  const grayscaleFile = join(root, 'train', classes[0], `${classes[0]}_10026.JPEG`);
  const cmykFile = join(root, 'train', classes[1], `${classes[1]}_10026.JPEG`);
  const out = { train: [] as FakeImage[], val: [] as FakeImage[] };
  for (const split of ['train', 'val'] as const) {
    for (const wnid of classes) {
      const folder = join(root, split, wnid);
      await mkdir(folder, { recursive: true });
      const per = split === 'train' ? trainPer : valPer;
      for (let i = 0; i < per; i++) {
        const name = split === 'train' ? `${wnid}_${10026 + i * 977}.JPEG` : `ILSVRC2012_val_${String(valId++).padStart(8, '0')}.JPEG`;
        const file = join(folder, name);
        const kk = k++;
        const [height, width] = size(kk);
        let bytes: Uint8Array;
        let rgb: Uint8Array;
        if (file === grayscaleFile) {
          const g = (by: number, bx: number) => 30 + 11 * by + 6 * bx;
          bytes = encodeDcOnlyJpeg({ width, height, components: 1, block: (_c, by, bx) => g(by, bx) });
          rgb = blockImage(height, width, (by, bx) => [g(by, bx), g(by, bx), g(by, bx)]);
        } else if (file === cmykFile) {
          // Adobe stores inverted ink; with no black (K stored as 255) the stored C, M, Y bytes decode to R, G, B.
          const [r, g, b] = [200, 120, 40];
          bytes = encodeDcOnlyJpeg({ width, height, components: 4, adobeTransform: 0, block: (c) => [r, g, b, 255][c] });
          rgb = blockImage(height, width, () => [r, g, b]);
        } else {
          bytes = encodeBlockRgbJpeg(width, height, (by, bx) => colour(kk, by, bx));
          rgb = blockImage(height, width, (by, bx) => colour(kk, by, bx));
        }
        await writeFile(file, bytes);
        out[split].push({ file, label: sorted.indexOf(wnid), height, width, rgb });
      }
    }
    const extra = join(root, split, FAKE_IMAGENET_EXTRA_CLASS);
    await mkdir(extra, { recursive: true });
    await writeFile(join(extra, 'not-listed.JPEG'), encodeBlockRgbJpeg(8, 8, () => [1, 2, 3]));
  }
  const order = (a: FakeImage, b: FakeImage) => a.label - b.label || (a.file < b.file ? -1 : 1);
  return { root, classes: sorted, train: out.train.sort(order), val: out.val.sort(order), grayscaleFile, cmykFile };
}
