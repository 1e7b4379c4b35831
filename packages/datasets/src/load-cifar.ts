import { allocBytes } from './alloc-bytes';
import { ByteReader } from './byte-reader';
import {
  CIFAR100_COARSE_CLASSES,
  CIFAR100_FINE_CLASSES,
  CIFAR10_CLASSES,
  CIFAR_SOURCES,
  CIFAR_TEST_FILES,
  CIFAR_TRAIN_FILES,
  type CifarName,
} from './cifar-sources';
import type { SourceOptions } from './data-source';
import type { Dataset } from './dataset';
import { locateSource } from './locate-source';
import { readNameList } from './name-list';
import { planarToHwc } from './planar-images';
import { readMembers, type Member } from './read-members';
import { checkLimit, Selection } from './selection';
import { heldOutSelection, type ValSplitOptions } from './validation-split';

/** `train`: all 50,000; `val` / `train-no-val`: the held-out part of train and the rest (see ValSplitOptions). */
export type CifarSplit = 'train' | 'test' | 'val' | 'train-no-val';

export const CIFAR_SPLITS: readonly CifarSplit[] = ['train', 'test', 'val', 'train-no-val'];

export interface LoadCifarOptions extends SourceOptions {
  /** Keep only the first `limit` examples of the split; with verification on, the whole source is still checked. */
  limit?: number;
  /** How `val` and `train-no-val` are carved from the training files; default the reference's last 5,000. */
  val?: ValSplitOptions;
  /** CIFAR-100 only: `fine` (100 classes, default) or `coarse` (20 superclasses). */
  labels?: 'fine' | 'coarse';
}

const SIDE = 32;
const PIXELS = SIDE * SIDE * 3;
const VAL_SIZE = 5000;

/**
 * One split of CIFAR-10 or CIFAR-100 from the official binary release: `cifar-10-binary.tar.gz` /
 * `cifar-100-binary.tar.gz` (streamed, never extracted) or its extracted folder. Each record is the
 * label byte(s) then 3,072 bytes of R, G and B planes (row-major), turned into NHWC. Sources: see
 * locateSource; checks: see readMembers.
 */
export async function loadCifar(name: CifarName, split: CifarSplit, opts: LoadCifarOptions = {}): Promise<Dataset> {
  const src = CIFAR_SOURCES[name];
  if (!src) throw new Error(`unknown CIFAR dataset "${String(name)}": expected cifar10 or cifar100`);
  if (!CIFAR_SPLITS.includes(split)) throw new Error(`${name}: unknown split "${String(split)}": expected one of ${CIFAR_SPLITS.join(', ')}`);
  checkLimit(opts.limit);
  const labelKind = opts.labels ?? 'fine';
  if (labelKind !== 'fine' && labelKind !== 'coarse') throw new Error(`${name}: labels must be "fine" or "coarse", got "${String(labelKind)}"`);
  if (name === 'cifar10' && opts.labels === 'coarse') throw new Error('cifar10 has no coarse labels; the labels option is for cifar100');

  const files = split === 'test' ? CIFAR_TEST_FILES[name] : CIFAR_TRAIN_FILES[name];
  const namesFile = name === 'cifar10' ? 'batches.meta.txt' : `${labelKind}_label_names.txt`;
  const labelBytes = name === 'cifar10' ? 1 : 2;
  // CIFAR-100 records hold the coarse label first, then the fine one.
  const labelAt = name === 'cifar10' || labelKind === 'coarse' ? 0 : 1;
  const numClasses = name === 'cifar10' ? 10 : labelKind === 'coarse' ? 20 : 100;
  const maxLabel = name === 'cifar10' ? [10] : [20, 100];
  const recordSize = labelBytes + PIXELS;
  const what = `${name} ${split}`;

  const located = await locateSource(src, files, what, opts, [namesFile]);
  let perFile: number | undefined;
  let firstFile = '';
  let sel: Selection | undefined;
  let images: Uint8Array = new Uint8Array(0);
  let labels: Uint8Array = new Uint8Array(0);
  let classNames: readonly string[] = name === 'cifar10' ? CIFAR10_CLASSES : labelKind === 'coarse' ? CIFAR100_COARSE_CLASSES : CIFAR100_FINE_CLASSES;

  const readRecords = async (m: Member) => {
    if (m.size % recordSize !== 0) {
      throw new Error(`${m.source}: ${m.size} bytes is not a whole number of ${recordSize}-byte ${name} records; the file is truncated or not ${name} binary`);
    }
    const records = m.size / recordSize;
    if (perFile === undefined) {
      perFile = records;
      firstFile = m.name;
      const total = records * files.length;
      sel =
        split === 'val' || split === 'train-no-val'
          ? heldOutSelection(split, total, VAL_SIZE, opts.val, opts.limit)
          : Selection.first(total, opts.limit);
      images = allocBytes(sel.count * PIXELS, `${m.source}: ${what} images`);
      labels = new Uint8Array(sel.count);
    } else if (records !== perFile) {
      throw new Error(`${m.source}: ${records} records, but ${firstFile} has ${perFile}; every ${name} training file must hold the same number`);
    }
    const base = files.indexOf(m.name) * perFile;
    const reader = new ByteReader(m.chunks(), m.source);
    try {
      for (let j = 0; j < records; j++) {
        const rec = await reader.read(recordSize, `record ${j}`);
        for (let b = 0; b < labelBytes; b++) {
          if (rec[b] >= maxLabel[b]) throw new Error(`${m.source}: record ${j} has label ${rec[b]}, expected 0..${maxLabel[b] - 1}`);
        }
        const slot = sel!.slot(base + j);
        if (slot < 0) continue;
        labels[slot] = rec[labelAt];
        planarToHwc(rec, labelBytes, images, slot * PIXELS, SIDE, SIDE, 3, false);
      }
    } finally {
      await reader.close();
    }
  };

  await readMembers(src, located, [...files, namesFile], files, opts, async (m) => {
    if (m.name === namesFile) classNames = await readNameList(m, numClasses);
    else await readRecords(m);
  });

  return {
    name,
    split: split,
    n: sel!.count,
    height: SIDE,
    width: SIDE,
    channels: 3,
    numClasses,
    classNames,
    images,
    labels,
  };
}
