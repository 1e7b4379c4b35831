import { byCodeUnit } from './tiny-imagenet-tree';

const WNID = /^n\d{8}$/;

function lines(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
}

/** wnids.txt: one wnid per line. Returns them in file order; throws on repeats or malformed lines. */
export function parseWnids(text: string, source: string): string[] {
  const wnids = lines(text);
  if (wnids.length === 0) throw new Error(`${source}: no wnids listed`);
  if (wnids.length > 256) throw new Error(`${source}: ${wnids.length} classes; labels are bytes, so at most 256 are supported`);
  const seen = new Set<string>();
  for (const [i, w] of wnids.entries()) {
    if (!WNID.test(w)) throw new Error(`${source}: line ${i + 1} is "${w}", expected a wnid like n01443537`);
    if (seen.has(w)) throw new Error(`${source}: wnid ${w} is listed twice`);
    seen.add(w);
  }
  return wnids;
}

/** Class index = position in sorted wnid order (what torchvision ImageFolder does). */
export function sortedWnids(wnids: readonly string[]): string[] {
  return [...wnids].sort(byCodeUnit);
}

/** words.txt: `wnid<TAB>comma-separated names`, covering all ImageNet synsets. */
export function parseWords(text: string): Map<string, string> {
  const words = new Map<string, string>();
  for (const line of lines(text)) {
    const tab = line.indexOf('\t');
    if (tab > 0) words.set(line.slice(0, tab), line.slice(tab + 1).trim());
  }
  return words;
}

/** val_annotations.txt: `file<TAB>wnid<TAB>x0<TAB>y0<TAB>x1<TAB>y1`, in file order. */
export function parseValAnnotations(text: string, source: string): { file: string; wnid: string }[] {
  return lines(text).map((line, i) => {
    const [file, wnid] = line.split('\t');
    if (!file || !wnid || !WNID.test(wnid)) {
      throw new Error(`${source}: line ${i + 1} is "${line}", expected "val_<i>.JPEG<TAB><wnid><TAB>x0<TAB>y0<TAB>x1<TAB>y1"`);
    }
    return { file, wnid };
  });
}
