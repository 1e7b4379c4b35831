import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** Positioned reads over a file or a buffer, so the zip reader never needs the whole archive in memory. */
export interface ByteSource {
  /** Names the archive in error messages. */
  readonly name: string;
  readonly size: number;
  /** Exactly `length` bytes from `position`, or an error if the source ends first. */
  read(position: number, length: number): Uint8Array;
  close(): void;
}

/**
 * Opened non-blocking and checked to be a regular file before any read: a FIFO would block the open forever,
 * /dev/zero has no size to seek in, a directory fails with a bare EISDIR.
 */
export function fileSource(path: string): ByteSource {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    throw new Error(`${path}: not a regular file (a FIFO, device or directory); expected a zip archive`);
  }
  let open = true;
  const size = st.size;
  return {
    name: path,
    size,
    read(position, length) {
      if (!open) throw new Error(`${path}: read after close`);
      checkRange(path, size, position, length);
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const got = readSync(fd, out, done, length - done, position + done);
        if (got === 0) throw new Error(`${path}: file ended at byte ${position + done} while reading ${length} bytes at ${position} (truncated?)`);
        done += got;
      }
      return out;
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

export function memorySource(bytes: Uint8Array, name = 'zip in memory'): ByteSource {
  return {
    name,
    size: bytes.length,
    read(position, length) {
      checkRange(name, bytes.length, position, length);
      return bytes.subarray(position, position + length);
    },
    close() {},
  };
}

function checkRange(name: string, size: number, position: number, length: number): void {
  if (!Number.isSafeInteger(position) || !Number.isSafeInteger(length) || position < 0 || length < 0 || position + length > size) {
    throw new Error(`${name}: cannot read ${length} bytes at offset ${position} of a ${size}-byte file (truncated or corrupt archive)`);
  }
}
