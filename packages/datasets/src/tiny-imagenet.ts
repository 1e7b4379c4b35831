import { allocBytes } from './alloc-bytes';
import type { SourceOptions } from './data-source';
import type { Dataset } from './dataset';
import { balancedSubset } from './image-folder-balanced';
import { decodeJpeg, type DecodeJpegOptions } from './jpeg-decode';
import { checkLimit } from './selection';
import { TINY_IMAGENET_NAME, TINY_IMAGENET_SIDE } from './tiny-imagenet-info';
import { parseValAnnotations, parseWnids, parseWords, sortedWnids } from './tiny-imagenet-lists';
import { locateTinyImagenet, verifyTinyImagenetZip } from './tiny-imagenet-locate';
import { dirTree, zipTree, type TinyImagenetTree } from './tiny-imagenet-tree';

/** `test` is the labelled val/ folder: the official test/ images have no labels. */
export type TinyImagenetSplit = 'train' | 'val' | 'test';

export interface LoadTinyImagenetOptions extends SourceOptions {
  /**
   * Keep `limit` examples, balanced over classes: the first file of every class, then the second, …
   * (see balancedSubset), kept in stored order. The zip is still verified whole.
   */
  limit?: number;
  /** Limits for the JPEG decoder. */
  decode?: DecodeJpegOptions;
  /** Called every 1,000 decoded images and at the end. */
  onDecodeProgress?: (done: number, total: number) => void;
}

export interface TinyImagenetDataset extends Dataset {
  /** Class i's wnid; the same list as classNames, in sorted order. */
  wnids: readonly string[];
  /** Class i's names from words.txt (e.g. "goldfish, Carassius auratus"); the wnid when words.txt lacks it. */
  words: readonly string[];
  /** Example i's path inside tiny-imagenet-200/. */
  files: readonly string[];
}

const PIXELS = TINY_IMAGENET_SIDE * TINY_IMAGENET_SIDE * 3;
const JPEG = /\.jpe?g$/i;

/**
 * Loads one split of Tiny-ImageNet-200 into memory as 64×64×3 bytes, decoding one JPEG at a time
 * from the zip (or an extracted copy). Labels index the wnids in sorted order, like torchvision
 * ImageFolder; cs231n/avalanche use wnids.txt order instead, so record `classNames` with checkpoints.
 * Train order: ImageFolder's (class by class, files sorted by name); val order: val_annotations.txt.
 */
export async function loadTinyImagenet(split: TinyImagenetSplit, opts: LoadTinyImagenetOptions = {}): Promise<TinyImagenetDataset> {
  if (split !== 'train' && split !== 'val' && split !== 'test') {
    throw new Error(`${TINY_IMAGENET_NAME}: unknown split "${String(split)}": expected train, val or test (test = the labelled val/ images)`);
  }
  checkLimit(opts.limit);
  const where = await locateTinyImagenet(opts);
  if (where.kind === 'zip' && !where.verified && opts.verify !== false) await verifyTinyImagenetZip(where.path, opts);
  const tree = where.kind === 'zip' ? zipTree(where.path) : dirTree(where.path);
  try {
    const fileOrder = parseWnids(text(tree, 'wnids.txt'), `${tree.origin}wnids.txt`);
    const wnids = sortedWnids(fileOrder);
    const wordMap = tree.has('words.txt') ? parseWords(text(tree, 'words.txt')) : new Map<string, string>();
    const examples = split === 'train' ? trainExamples(tree, wnids) : valExamples(tree, wnids);
    const keep = opts.limit === undefined ? examples : Array.from(balancedSubset(examples.map((e) => e.label), opts.limit), (i) => examples[i]);
    const n = keep.length;
    const images = allocBytes(n * PIXELS, `${TINY_IMAGENET_NAME} ${split} images`);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const { file, label } = keep[i];
      const source = tree.origin + file;
      const img = decodeJpeg(tree.read(file), source, opts.decode);
      if (img.width !== TINY_IMAGENET_SIDE || img.height !== TINY_IMAGENET_SIDE) {
        throw new Error(`${source}: expected a ${TINY_IMAGENET_SIDE}×${TINY_IMAGENET_SIDE} image, found ${img.width}×${img.height}`);
      }
      images.set(img.data, i * PIXELS);
      labels[i] = label;
      if ((i + 1) % 1000 === 0 || i + 1 === n) {
        opts.onDecodeProgress?.(i + 1, n);
        // Let timers and I/O run during a minute-long decode.
        if ((i + 1) % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return {
      name: TINY_IMAGENET_NAME,
      split: split === 'train' ? 'train' : 'test',
      n,
      height: TINY_IMAGENET_SIDE,
      width: TINY_IMAGENET_SIDE,
      channels: 3,
      numClasses: wnids.length,
      classNames: wnids,
      wnids,
      words: wnids.map((w) => wordMap.get(w) ?? w),
      files: keep.map((e) => e.file),
      images,
      labels,
    };
  } finally {
    tree.close();
  }
}

interface Example {
  file: string;
  label: number;
}

function text(tree: TinyImagenetTree, rel: string): string {
  return new TextDecoder().decode(tree.read(rel));
}

function trainExamples(tree: TinyImagenetTree, wnids: readonly string[]): Example[] {
  return wnids.flatMap((wnid, label) => {
    const folder = `train/${wnid}/images`;
    const files = tree.list(folder).filter((f) => JPEG.test(f));
    if (files.length === 0) throw new Error(`${tree.origin}${folder}: no JPEG images for class ${wnid} (listed in wnids.txt)`);
    return files.map((f) => ({ file: `${folder}/${f}`, label }));
  });
}

function valExamples(tree: TinyImagenetTree, wnids: readonly string[]): Example[] {
  const source = `${tree.origin}val/val_annotations.txt`;
  const index = new Map(wnids.map((w, i) => [w, i]));
  return parseValAnnotations(text(tree, 'val/val_annotations.txt'), source).map(({ file, wnid }, i) => {
    const label = index.get(wnid);
    if (label === undefined) throw new Error(`${source}: line ${i + 1} labels ${file} with ${wnid}, which wnids.txt does not list`);
    return { file: `val/images/${file}`, label };
  });
}
