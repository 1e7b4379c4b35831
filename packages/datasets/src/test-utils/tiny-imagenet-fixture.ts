import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import jpeg from 'jpeg-js';
import type { KnownFile } from '../known-file';
import { encodeBlockRgbJpeg, encodeDcOnlyJpeg } from './jpeg-dc-encoder';
import { writeZip, type ZipWriterEntry } from './zip-writer';

export interface FakeTinyImagenetOptions {
  /** Train images per class. Default 3. */
  perClass?: number;
  /** Val images per class. Default 2. */
  valPerClass?: number;
  /** wnids in wnids.txt order; default 5 classes listed out of sorted order. */
  classes?: readonly string[];
  /** Also write the extracted tiny-imagenet-200/ folder next to the zip. Default false. */
  extracted?: boolean;
}

export interface FakeSplit {
  /** Paths inside tiny-imagenet-200/, in the loader's order (train class by class in sorted order; val file order). */
  files: string[];
  /** The pixels that were encoded, 64×64×3 each, in `files` order; decoders reproduce them within JPEG error. */
  images: Uint8Array;
  /** Sorted-wnid class indices. */
  labels: Uint8Array;
}

export interface FakeTinyImagenet {
  zipPath: string;
  /** The extracted tiny-imagenet-200/ folder, when `extracted`. */
  rootDir?: string;
  /** Size and md5 of the zip, for `checksums: { 'tiny-imagenet-200.zip': checksum }`. */
  checksum: KnownFile;
  /** Path inside tiny-imagenet-200/ of the one grayscale (1-component) JPEG. */
  grayscaleFile: string;
  expected: { wnids: string[]; words: string[]; train: FakeSplit; val: FakeSplit };
}

export const FAKE_TINY_CLASSES: readonly string[] = ['n09999999', 'n01443537', 'n04067472', 'n02123045', 'n01629819'];

const SIDE = 64;
const PIXELS = SIDE * SIDE * 3;

/** Block colour of image k: for k < 64 at least 16 levels from every other k in channel 0 or 1. */
function colour(k: number, by: number, bx: number): [number, number, number] {
  const base = [k % 8, Math.floor(k / 8) % 8, (k * 3 + 1) % 8].map((v) => 10 + 16 * v);
  return [base[0] + 7 * bx + 3 * ((bx + by) & 1), base[1] + 7 * by, base[2] + 5 * ((bx + 2 * by) % 4)];
}

/** Constant on 8×8 blocks, channel-asymmetric and position-dependent, so transposes and mix-ups show. */
function colourImage(k: number): Uint8Array {
  const out = new Uint8Array(PIXELS);
  for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) out.set(colour(k, y >> 3, x >> 3), (y * SIDE + x) * 3);
  return out;
}

const jpegJsCache = new Map<number, Uint8Array>();

/** Most images use the fast DC-only encoder; image 0 goes through jpeg-js (quality 100) for full JPEG coverage. */
function encodeColour(k: number, px: Uint8Array): Uint8Array {
  if (k !== 0) return encodeBlockRgbJpeg(SIDE, SIDE, (by, bx) => colour(k, by, bx));
  let bytes = jpegJsCache.get(k);
  if (!bytes) {
    const rgba = new Uint8Array(SIDE * SIDE * 4);
    for (let p = 0; p < SIDE * SIDE; p++) {
      rgba.set(px.subarray(p * 3, p * 3 + 3), p * 4);
      rgba[p * 4 + 3] = 255;
    }
    bytes = new Uint8Array(jpeg.encode({ width: SIDE, height: SIDE, data: rgba }, 100).data);
    jpegJsCache.set(k, bytes);
  }
  return bytes;
}

const grayBlock = (_c: number, by: number, bx: number) => 40 + by * 20 + bx * 5;

function grayImage(): Uint8Array {
  const out = new Uint8Array(PIXELS);
  for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) out.fill(grayBlock(0, y >> 3, x >> 3), (y * SIDE + x) * 3, (y * SIDE + x) * 3 + 3);
  return out;
}

/**
 * Writes `<dir>/tiny-imagenet-200.zip` in the official layout (wnids.txt, words.txt,
 * train/<wnid>/images/<wnid>_<i>.JPEG and <wnid>_boxes.txt, val/images + val_annotations.txt,
 * test/images), with JPEGs both stored and deflated and one grayscale JPEG, and returns what a
 * correct loader must produce.
 */
export async function writeFakeTinyImagenet(dir: string, opts: FakeTinyImagenetOptions = {}): Promise<FakeTinyImagenet> {
  const perClass = opts.perClass ?? 3;
  const valPerClass = opts.valPerClass ?? 2;
  const classes = [...(opts.classes ?? FAKE_TINY_CLASSES)];
  const sorted = [...classes].sort();
  const label = (w: string) => sorted.indexOf(w);
  const top = 'tiny-imagenet-200/';
  const entries: ZipWriterEntry[] = [{ name: top }];
  const text = (name: string, s: string) => entries.push({ name: top + name, data: new TextEncoder().encode(s), method: 'deflate' });
  text('wnids.txt', classes.map((w) => `${w}\n`).join(''));
  const words = sorted.map((w) => `thing ${w.slice(1)}, object`);
  text('words.txt', ['n00000001\tentity', ...classes.map((w) => `${w}\t${words[label(w)]}`)].join('\n') + '\n');

  let k = 0;
  const pixels = new Map<string, Uint8Array>();
  const grayscaleFile = `train/${classes[0]}/images/${classes[0]}_0.JPEG`;
  for (const w of classes) {
    entries.push({ name: `${top}train/${w}/` }, { name: `${top}train/${w}/images/` });
    const boxes: string[] = [];
    for (let i = 0; i < perClass; i++) {
      const file = `train/${w}/images/${w}_${i}.JPEG`;
      const gray = file === grayscaleFile;
      const kk = gray ? -1 : k++;
      const px = gray ? grayImage() : colourImage(kk);
      const bytes = gray ? encodeDcOnlyJpeg({ width: SIDE, height: SIDE, components: 1, block: grayBlock }) : encodeColour(kk, px);
      pixels.set(file, px);
      entries.push({ name: top + file, data: bytes, method: i % 2 ? 'deflate' : 'store' });
      boxes.push(`${w}_${i}.JPEG\t0\t0\t63\t63`);
    }
    text(`train/${w}/${w}_boxes.txt`, boxes.join('\n') + '\n');
  }
  // Val: classes interleaved in an order that is neither wnids.txt nor sorted order.
  const annotations: string[] = [];
  const valFiles: string[] = [];
  const valTotal = valPerClass * classes.length;
  for (let j = 0; j < valTotal; j++) {
    const w = classes[classes.length - 1 - (j % classes.length)];
    const name = `val_${j}.JPEG`;
    const kk = k++;
    const px = colourImage(kk);
    pixels.set(`val/images/${name}`, px);
    entries.push({ name: `${top}val/images/${name}`, data: encodeColour(kk, px), method: 'store' });
    annotations.push(`${name}\t${w}\t1\t2\t60\t61`);
    valFiles.push(`val/images/${name}`);
  }
  text('val/val_annotations.txt', annotations.join('\n') + '\n');
  entries.push({ name: `${top}test/images/test_0.JPEG`, data: encodeColour(63, colourImage(63)), method: 'store' });

  const zip = writeZip(entries);
  await mkdir(dir, { recursive: true });
  const zipPath = join(dir, 'tiny-imagenet-200.zip');
  await writeFile(zipPath, zip);
  let rootDir: string | undefined;
  if (opts.extracted) {
    const base = join(dir, 'extracted');
    for (const e of entries) {
      const path = join(base, e.name);
      if (e.data === undefined) await mkdir(path, { recursive: true });
      else {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, e.data);
      }
    }
    rootDir = join(base, 'tiny-imagenet-200');
  }

  // Train order: ImageFolder's, class by class in sorted order, files by name (so _10 before _2).
  const byName = (w: string) => Array.from({ length: perClass }, (_, i) => `${w}_${i}.JPEG`).sort();
  const trainFiles = sorted.flatMap((w) => byName(w).map((f) => `train/${w}/images/${f}`));
  const split = (files: string[], labelOf: (f: string) => number): FakeSplit => {
    const images = new Uint8Array(files.length * PIXELS);
    files.forEach((f, i) => images.set(pixels.get(f)!, i * PIXELS));
    return { files, images, labels: Uint8Array.from(files.map(labelOf)) };
  };
  const valLabel = new Map(annotations.map((a) => [`val/images/${a.split('\t')[0]}`, label(a.split('\t')[1])]));
  return {
    zipPath,
    rootDir,
    checksum: { bytes: zip.length, md5: createHash('md5').update(zip).digest('hex') },
    grayscaleFile,
    expected: {
      wnids: sorted,
      words,
      train: split(trainFiles, (f) => label(f.split('/')[1])),
      val: split(valFiles, (f) => valLabel.get(f)!),
    },
  };
}
