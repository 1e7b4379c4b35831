import { allocBytes } from './alloc-bytes';
import { ByteReader } from './byte-reader';
import type { SourceOptions } from './data-source';
import type { Dataset } from './dataset';
import { locateSource } from './locate-source';
import { readMat, type MatVariable } from './mat5-reader';
import { planarToHwc } from './planar-images';
import { readMembers } from './read-members';
import { checkLimit, Selection } from './selection';
import { SVHN_CLASSES, SVHN_SOURCE } from './svhn-source';
import { heldOutSelection, type ValSplitOptions } from './validation-split';

/** `val` / `train-no-val`: the held-out part of train_32x32.mat and the rest (see ValSplitOptions). */
export type SvhnSplit = 'train' | 'test' | 'extra' | 'val' | 'train-no-val';

export const SVHN_SPLITS: readonly SvhnSplit[] = ['train', 'test', 'extra', 'val', 'train-no-val'];

export interface LoadSvhnOptions extends SourceOptions {
  /** Keep only the first `limit` examples of the split; with verification on, the whole file is still checked. */
  limit?: number;
  /** How `val` and `train-no-val` are carved from train_32x32.mat; default the reference's last 5,000. */
  val?: ValSplitOptions;
}

const SIDE = 32;
const PIXELS = SIDE * SIDE * 3;
const VAL_SIZE = 5000;

/**
 * One split of SVHN (cropped digits) from the official `{train,test,extra}_32x32.mat`: MAT v5 files
 * whose `X` is uint8 [32, 32, 3, N] (column-major) and `y` is [N, 1] with labels 1–10, where 10
 * means the digit 0 (mapped to 0 here). The file is streamed (1 MiB reads) and inflated
 * incrementally (64 KiB outputs): neither the compressed nor a second decompressed copy is ever held.
 * Peak memory is the returned arrays plus y decoded as doubles (8 bytes per example) plus ~2 MB of
 * buffers; for `extra` that is 1.63 GB of images + 0.5 MB of labels + 4.3 MB + 2 MB.
 */
export async function loadSvhn(split: SvhnSplit, opts: LoadSvhnOptions = {}): Promise<Dataset> {
  if (!SVHN_SPLITS.includes(split)) throw new Error(`svhn: unknown split "${String(split)}": expected one of ${SVHN_SPLITS.join(', ')}`);
  checkLimit(opts.limit);
  const file = split === 'test' ? 'test_32x32.mat' : split === 'extra' ? 'extra_32x32.mat' : 'train_32x32.mat';
  const what = `svhn ${split}`;
  const located = await locateSource(SVHN_SOURCE, [file], what, opts);

  let n: number | undefined;
  let sel: Selection | undefined;
  let images: Uint8Array = new Uint8Array(0);
  let labels: Uint8Array = new Uint8Array(0);
  let sawX = false;
  let sawY = false;
  const setCount = (count: number, source: string, from: string) => {
    if (n === undefined) {
      n = count;
      sel = split === 'val' || split === 'train-no-val' ? heldOutSelection(split, count, VAL_SIZE, opts.val, opts.limit) : Selection.first(count, opts.limit);
      images = allocBytes(sel.count * PIXELS, `${source}: ${what} images`);
      labels = new Uint8Array(sel.count);
    } else if (count !== n) {
      throw new Error(`${source}: ${from} has ${count} examples, but the other variable has ${n}`);
    }
  };

  const readImages = async (v: MatVariable, source: string) => {
    const [h, w, c, count] = v.dims;
    if (v.dims.length !== 4 || h !== SIDE || w !== SIDE || c !== 3) throw new Error(`${source}: X has shape ${v.dims.join('×')}, expected 32×32×3×N`);
    if (v.dataType !== 2) throw new Error(`${source}: X is stored as MAT type ${v.dataType} (${v.className}), expected uint8 (miUINT8)`);
    setCount(count, source, 'X');
    const reader = new ByteReader(v.chunks(), `${source} (X)`);
    try {
      // Past the last kept image the rest of X is skipped without inflating it.
      for (let i = 0; i <= sel!.last; i++) {
        const img = await reader.read(PIXELS, `image ${i}`);
        const slot = sel!.slot(i);
        if (slot >= 0) planarToHwc(img, 0, images, slot * PIXELS, SIDE, SIDE, 3, true);
      }
    } finally {
      await reader.close();
    }
  };

  const readLabels = async (v: MatVariable, source: string) => {
    if (v.dims.length !== 2 || Math.min(v.dims[0], v.dims[1]) !== 1) throw new Error(`${source}: y has shape ${v.dims.join('×')}, expected N×1`);
    setCount(v.numel, source, 'y');
    const values = await v.numbers(v.numel);
    for (let i = 0; i < values.length; i++) {
      const y = values[i];
      if (!Number.isInteger(y) || y < 1 || y > 10) throw new Error(`${source}: y[${i}] is ${y}, expected a label 1..10 (10 means digit 0)`);
      const slot = sel!.slot(i);
      if (slot >= 0) labels[slot] = y % 10;
    }
  };

  await readMembers(SVHN_SOURCE, located, [file], [file], opts, async (m) => {
    const reader = new ByteReader(m.chunks(), m.source);
    try {
      for await (const v of readMat(reader, { size: m.size })) {
        if (v.name === 'X' && !sawX) {
          sawX = true;
          await readImages(v, m.source);
        } else if (v.name === 'y' && !sawY) {
          sawY = true;
          await readLabels(v, m.source);
        }
      }
    } finally {
      await reader.close();
    }
    const missing = [!sawX && 'X', !sawY && 'y'].filter(Boolean);
    if (missing.length) throw new Error(`${m.source}: no variable ${missing.join(' or ')}; expected SVHN's X (images) and y (labels)`);
  });

  return {
    name: 'svhn',
    split: split,
    n: sel!.count,
    height: SIDE,
    width: SIDE,
    channels: 3,
    numClasses: 10,
    classNames: SVHN_CLASSES,
    images,
    labels,
  };
}
