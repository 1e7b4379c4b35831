import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface ImageFolderScanOptions {
  /** Keep the first k files (sorted by name) of every class. Default: all. */
  limitPerClass?: number;
}

export interface ImageFolderFiles {
  /** Absolute paths, class by class in `classNames` order, each class's files sorted by name. */
  files: string[];
  labels: Uint8Array;
  /** Classes whose folder was missing: reported by the caller, which knows how to explain the layout. */
  missing: string[];
}

// torchvision IMG_EXTENSIONS, lower-cased; ImageNet uses .JPEG.
const IMAGE = /\.(jpe?g|png|ppm|bmp|pgm|tiff?|webp)$/i;

/**
 * Lists `<splitDir>/<class>/*` for each class in `classNames` (label = position in that list), the
 * way torchvision ImageFolder does: folders not in the list are ignored, files sorted by name.
 */
export function scanImageFolder(splitDir: string, classNames: readonly string[], opts: ImageFolderScanOptions = {}): ImageFolderFiles {
  const { limitPerClass } = opts;
  if (limitPerClass !== undefined && (!Number.isInteger(limitPerClass) || limitPerClass < 1)) {
    throw new Error(`limitPerClass must be a positive integer, got ${limitPerClass}`);
  }
  const files: string[] = [];
  const labels: number[] = [];
  const missing: string[] = [];
  classNames.forEach((cls, label) => {
    const folder = join(splitDir, cls);
    if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
      missing.push(cls);
      return;
    }
    const names = readdirSync(folder, { withFileTypes: true })
      .filter((d) => d.isFile() && IMAGE.test(d.name))
      .map((d) => d.name)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const name of limitPerClass === undefined ? names : names.slice(0, limitPerClass)) {
      files.push(join(folder, name));
      labels.push(label);
    }
  });
  return { files, labels: Uint8Array.from(labels), missing };
}
