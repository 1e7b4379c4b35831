
/** An image classification split held as raw bytes; batching converts to floats later. */
export interface Dataset {
  name: string;
  /** 'train', 'test', or a loader's other splits ('val', 'train-no-val', 'extra', …). */
  split: string;
  /** Number of examples. */
  n: number;
  height: number;
  width: number;
  channels: number;
  numClasses: number;
  classNames: readonly string[];
  /** n·height·width·channels bytes, NHWC, 0–255. */
  images: Uint8Array;
  /** n class indices in [0, numClasses). */
  labels: Uint8Array;
}
