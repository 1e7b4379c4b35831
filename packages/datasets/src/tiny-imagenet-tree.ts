import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { asPlainBytes } from './bytes';
import { openZip, type ZipArchive } from './zip-reader';

/** The files of the tiny-imagenet-200/ folder, read from the zip or from an extracted copy alike. */
export interface TinyImagenetTree {
  /** Prefix for error messages, e.g. "/data/tiny-imagenet-200.zip: tiny-imagenet-200/". */
  readonly origin: string;
  has(rel: string): boolean;
  read(rel: string): Uint8Array;
  /** Names of the files directly inside folder `rel`, sorted; empty when the folder does not exist. */
  list(rel: string): string[];
  close(): void;
}

const LAYOUT = 'the official tiny-imagenet-200 layout: wnids.txt, words.txt, train/<wnid>/images/*.JPEG, val/images/*.JPEG, val/val_annotations.txt';

/** The zip's top folder is wherever wnids.txt sits (normally "tiny-imagenet-200/"). */
export function zipTree(path: string): TinyImagenetTree {
  const zip: ZipArchive = openZip(path);
  try {
    const marker = zip.entries
      .filter((e) => !e.isDirectory && (e.name === 'wnids.txt' || e.name.endsWith('/wnids.txt')))
      .sort((a, b) => a.name.length - b.name.length)[0];
    if (!marker) throw new Error(`${path}: no wnids.txt inside; this is not the Tiny-ImageNet-200 zip (expected ${LAYOUT})`);
    const prefix = marker.name.slice(0, marker.name.length - 'wnids.txt'.length);
    const folders = new Map<string, string[]>();
    for (const e of zip.entries) {
      if (e.isDirectory || !e.name.startsWith(prefix)) continue;
      const rel = e.name.slice(prefix.length);
      const cut = rel.lastIndexOf('/');
      const folder = cut < 0 ? '' : rel.slice(0, cut);
      let names = folders.get(folder);
      if (!names) folders.set(folder, (names = []));
      names.push(rel.slice(cut + 1));
    }
    for (const names of folders.values()) names.sort(byCodeUnit);
    const origin = `${path}: ${prefix}`;
    return {
      origin,
      has: (rel) => zip.entry(prefix + rel) !== undefined,
      read(rel) {
        if (!zip.entry(prefix + rel)) throw new Error(`${origin}${rel}: missing from the zip (expected ${LAYOUT})`);
        return zip.read(prefix + rel);
      },
      list: (rel) => [...(folders.get(rel) ?? [])],
      close: () => zip.close(),
    };
  } catch (err) {
    zip.close();
    throw err;
  }
}

export function dirTree(root: string): TinyImagenetTree {
  const origin = `${root}/`;
  return {
    origin,
    has: (rel) => statSync(join(root, rel), { throwIfNoEntry: false })?.isFile() ?? false,
    read(rel) {
      try {
        return asPlainBytes(readFileSync(join(root, rel)));
      } catch (err) {
        throw new Error(`${origin}${rel}: cannot read (${(err as Error).message}); expected ${LAYOUT}`, { cause: err });
      }
    },
    list(rel) {
      try {
        return readdirSync(join(root, rel), { withFileTypes: true })
          .filter((d) => d.isFile())
          .map((d) => d.name)
          .sort(byCodeUnit);
      } catch {
        return [];
      }
    },
    close() {},
  };
}

/** Python's sorted() order for strings (UTF-16 code units; the same for ASCII names). */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
