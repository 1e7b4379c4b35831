import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, constants } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const posix = process.platform !== 'win32';

/**
 * This user's private directory for the wasm pthread worker script: `<tmpdir>/floatjs-<uid>`, created with
 * mode 0700 (mkdir fails rather than reuse a name that exists). An existing one is used only if it is a real
 * directory (not a link) owned by this user and closed to everyone else; anything else may hold code planted
 * by another user, so it is refused.
 */
export function privateWorkerDir(root: string = os.tmpdir()): string {
  const uid = posix ? process.getuid!() : -1;
  const dir = join(root, `floatjs-${posix ? uid : os.userInfo().username}`);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`${dir}: cannot create the private directory for the wasm worker (${(err as NodeJS.ErrnoException).code})`, { cause: err });
  }
  const st = lstatSync(dir);
  if (posix && (!st.isDirectory() || st.uid !== uid || (st.mode & 0o077) !== 0)) {
    const what = st.isSymbolicLink() ? 'a symbolic link' : !st.isDirectory() ? 'not a directory' : `owner ${st.uid}, mode ${(st.mode & 0o777).toString(8)}`;
    throw new Error(`${dir}: not a private directory of this user (${what}); refusing to load the wasm worker script from it (remove it, or point TMPDIR at a private directory)`);
  }
  return dir;
}

/** True when `file` is a regular file (not a link) of this user holding exactly `source`. */
function holds(file: string, source: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return false;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || (posix && st.uid !== process.getuid!()) || st.size !== Buffer.byteLength(source)) return false;
    return sha256(readFileSync(fd)) === sha256(source);
  } finally {
    closeSync(fd);
  }
}

/**
 * The path of a file holding `source` in this user's private directory, named by its hash. The file is checked
 * (owner, type and sha256 of its content) on every call, i.e. before every use; when it is absent or differs
 * (planted, corrupt, a link) a fresh copy is written under a random name with exclusive create and renamed over.
 */
export function verifiedWorkerFile(source: string, root?: string): string {
  const dir = privateWorkerDir(root);
  const file = join(dir, `wasm-pthread-${sha256(source).slice(0, 16)}.cjs`);
  if (holds(file, source)) return file;
  const tmp = `${file}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, source, { flag: 'wx', mode: 0o600 });
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
  if (!holds(file, source)) throw new Error(`${file}: does not hold the wasm worker script just written; refusing to load it`);
  return file;
}
