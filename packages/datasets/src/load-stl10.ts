import { allocBytes } from './alloc-bytes';
import { ByteReader } from './byte-reader';
import type { SourceOptions } from './data-source';
import type { Dataset } from './dataset';
import { locateSource } from './locate-source';
import { readNameList } from './name-list';
import { planarToHwc } from './planar-images';
import { readMembers, type Member } from './read-members';
import { checkLimit, Selection } from './selection';
import { readStl10Folds, STL10_FOLDS } from './stl10-folds';
import { STL10_CLASSES, STL10_IMAGE_BYTES, STL10_SIDE, STL10_SOURCE } from './stl10-source';

export type Stl10Split = 'train' | 'test';

export const STL10_SPLITS: readonly Stl10Split[] = ['train', 'test'];

export interface LoadStl10Options extends SourceOptions {
  /** Keep only the first `limit` examples (of the fold, when one is chosen). */
  limit?: number;
  /** Train only: keep the 1,000 examples of predefined fold 0..9 from fold_indices.txt, in that file's order. */
  fold?: number;
}

/**
 * The labelled STL-10 train or test split from the official binary files (`{split}_X.bin`,
 * `{split}_y.bin`), in a directory or streamed out of `stl10_binary.tar.gz`. Each image is three
 * 96×96 planes stored column-major, turned into NHWC; labels 1–10 become 0–9. For the 100,000
 * unlabeled images see streamStl10Unlabeled.
 */
export async function loadStl10(split: Stl10Split, opts: LoadStl10Options = {}): Promise<Dataset> {
  if (!STL10_SPLITS.includes(split)) throw new Error(`stl10: unknown split "${String(split)}": expected train or test (unlabeled: streamStl10Unlabeled)`);
  checkLimit(opts.limit);
  const { fold } = opts;
  if (fold !== undefined) {
    if (split !== 'train') throw new Error('stl10: folds select training examples; use fold only with the train split');
    if (!Number.isInteger(fold) || fold < 0 || fold >= STL10_FOLDS) throw new Error(`stl10: fold must be an integer 0..${STL10_FOLDS - 1}, got ${fold}`);
  }
  const xFile = `${split}_X.bin`;
  const yFile = `${split}_y.bin`;
  const required = fold === undefined ? [xFile, yFile] : ['fold_indices.txt', xFile, yFile];
  const what = `stl10 ${split}${fold === undefined ? '' : ` fold ${fold}`}`;
  const located = await locateSource(STL10_SOURCE, required, what, opts, ['class_names.txt']);

  // With a fold, the fold file may come after the images in the archive, so everything is read first
  // and the fold picked at the end (train is 138 MB); otherwise only kept images are stored.
  let n: number | undefined;
  let firstFile = '';
  let sel: Selection | undefined;
  let images: Uint8Array = new Uint8Array(0);
  let labels: Uint8Array = new Uint8Array(0);
  let folds: number[][] | undefined;
  let classNames = STL10_CLASSES;
  const setCount = (count: number, m: Member) => {
    if (n === undefined) {
      n = count;
      firstFile = m.name;
      sel = Selection.first(count, fold === undefined ? opts.limit : undefined);
      labels = new Uint8Array(sel.count);
    } else if (count !== n) {
      throw new Error(`${m.source}: ${count} examples, but ${firstFile} has ${n}`);
    }
  };

  const readImages = async (m: Member) => {
    if (m.size % STL10_IMAGE_BYTES !== 0) {
      throw new Error(`${m.source}: ${m.size} bytes is not a whole number of ${STL10_IMAGE_BYTES}-byte STL-10 images; the file is truncated or not STL-10 binary`);
    }
    setCount(m.size / STL10_IMAGE_BYTES, m);
    // Sized here, from the image file, never from the label count: a label byte stands for 27,648 image bytes.
    images = allocBytes(sel!.count * STL10_IMAGE_BYTES, `${m.source}: ${what} images`);
    const reader = new ByteReader(m.chunks(), m.source);
    try {
      for (let i = 0; i <= sel!.last; i++) {
        const img = await reader.read(STL10_IMAGE_BYTES, `image ${i}`);
        planarToHwc(img, 0, images, sel!.slot(i) * STL10_IMAGE_BYTES, STL10_SIDE, STL10_SIDE, 3, true);
      }
    } finally {
      await reader.close();
    }
  };

  const readLabels = async (m: Member) => {
    setCount(m.size, m);
    const bytes = await m.bytes(m.size);
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] < 1 || bytes[i] > 10) throw new Error(`${m.source}: label ${i} is ${bytes[i]}, expected 1..10`);
      if (i <= sel!.last) labels[sel!.slot(i)] = bytes[i] - 1;
    }
  };

  await readMembers(STL10_SOURCE, located, [...required, 'class_names.txt'], required, opts, async (m) => {
    if (m.name === xFile) await readImages(m);
    else if (m.name === yFile) await readLabels(m);
    else if (m.name === 'fold_indices.txt') folds = await readStl10Folds(m);
    else if (m.name === 'class_names.txt') classNames = await readNameList(m, 10);
  });

  let out: { images: Uint8Array; labels: Uint8Array; count: number } = { images, labels, count: sel!.count };
  if (fold !== undefined) {
    const pick = Selection.of(n!, folds![fold], `${located.kind === 'archive' ? located.path : located.paths['fold_indices.txt']} fold ${fold}`, opts.limit);
    const picked = { images: allocBytes(pick.count * STL10_IMAGE_BYTES, `${what} images`), labels: new Uint8Array(pick.count), count: pick.count };
    for (let i = 0; i < n!; i++) {
      const slot = pick.slot(i);
      if (slot < 0) continue;
      picked.images.set(images.subarray(i * STL10_IMAGE_BYTES, (i + 1) * STL10_IMAGE_BYTES), slot * STL10_IMAGE_BYTES);
      picked.labels[slot] = labels[i];
    }
    out = picked;
  }
  return {
    name: 'stl10',
    split: split,
    n: out.count,
    height: STL10_SIDE,
    width: STL10_SIDE,
    channels: 3,
    numClasses: 10,
    classNames,
    images: out.images,
    labels: out.labels,
  };
}
