import { createHash, type Hash } from 'node:crypto';

/** What an official file must look like; at least one hash. sha256 is preferred when both are known. */
export interface KnownFile {
  bytes: number;
  md5?: string;
  sha256?: string;
}

/** Why a check failed and what to do, shared by every message below. */
function advice(dataset: string): string {
  return `the file is corrupt, truncated or not the official ${dataset} release; delete it and fetch it again, or pass verify: false to skip the check`;
}

/** Throws when a file's size on disk differs from the official size, before any time is spent reading it. */
export function checkFileSize(path: string, dataset: string, file: string, expected: KnownFile, actual: number): void {
  if (actual !== expected.bytes) {
    throw new Error(`${path}: wrong size for ${dataset} ${file}: expected ${expected.bytes} bytes, found ${actual}; ${advice(dataset)}`);
  }
}

/** Hashes bytes as they stream past and compares size and hash at the end. */
export class FileHasher {
  private readonly hash: Hash;
  private readonly algorithm: 'sha256' | 'md5';
  private seen = 0;

  constructor(
    private readonly path: string,
    private readonly dataset: string,
    private readonly file: string,
    private readonly expected: KnownFile,
  ) {
    if (!expected.sha256 && !expected.md5) throw new Error(`${path}: no checksum known for ${dataset} ${file}; pass verify: false to skip the check`);
    this.algorithm = expected.sha256 ? 'sha256' : 'md5';
    this.hash = createHash(this.algorithm);
  }

  update(chunk: Uint8Array): void {
    this.seen += chunk.length;
    this.hash.update(chunk);
  }

  /** Throws unless exactly the expected bytes went through `update`. */
  check(): void {
    checkFileSize(this.path, this.dataset, this.file, this.expected, this.seen);
    const actual = this.hash.digest('hex');
    const want = this.algorithm === 'sha256' ? this.expected.sha256 : this.expected.md5;
    if (actual !== want) {
      throw new Error(`${this.path}: ${this.algorithm} mismatch for ${this.dataset} ${this.file}: expected ${want}, found ${actual}; ${advice(this.dataset)}`);
    }
  }
}

/** "170052171 bytes, md5 …, sha256 …" for error messages that tell people what to fetch. */
export function describeKnownFile(k: KnownFile): string {
  return [`${k.bytes} bytes`, k.md5 && `md5 ${k.md5}`, k.sha256 && `sha256 ${k.sha256}`].filter(Boolean).join(', ');
}
