import { deflateSync } from 'node:zlib';
import { concat } from './tar-write';

/** One numeric variable: `data` holds numel values already encoded in storage type `dataType`. */
export interface MatVarInput {
  name: string;
  dims: readonly number[];
  /** MATLAB class: 6 double, 9 uint8, … */
  classId: number;
  /** Storage type: 2 miUINT8, 9 miDOUBLE, … */
  dataType: number;
  data: Uint8Array;
}

export interface MatFileOptions {
  /** Wrap each variable in a zlib miCOMPRESSED element, as MATLAB -v7 and scipy do_compression=True do. */
  compress?: boolean;
  bigEndian?: boolean;
}

/** A Level 5 MAT-file (128-byte header + one element per variable), written independently of the reader. */
export function matFile(vars: readonly MatVarInput[], opts: MatFileOptions = {}): Uint8Array {
  const le = !opts.bigEndian;
  const header = new Uint8Array(128).fill(0x20);
  header.set(new TextEncoder().encode('MATLAB 5.0 MAT-file, written by floatjs test-utils'), 0);
  header.fill(0, 116, 124);
  new DataView(header.buffer).setUint16(124, 0x0100, le);
  header.set(new TextEncoder().encode(le ? 'IM' : 'MI'), 126);
  const parts: Uint8Array[] = [header];
  for (const v of vars) {
    const matrix = matrixElement(v, le);
    if (!opts.compress) parts.push(matrix);
    else {
      const z = new Uint8Array(deflateSync(matrix));
      parts.push(tag(15, z.length, le), z);
    }
  }
  return concat(parts);
}

/** uint8 class stored as miUINT8 (SVHN's X). */
export function uint8Var(name: string, dims: readonly number[], data: Uint8Array): MatVarInput {
  return { name, dims, classId: 9, dataType: 2, data };
}

/** double class stored as miDOUBLE, or as miUINT8 when `narrow` (MATLAB stores small whole numbers so). */
export function doubleVar(name: string, dims: readonly number[], values: ArrayLike<number>, narrow = false, bigEndian = false): MatVarInput {
  if (narrow) return { name, dims, classId: 6, dataType: 2, data: Uint8Array.from(values) };
  const data = new Uint8Array(values.length * 8);
  const dv = new DataView(data.buffer);
  for (let i = 0; i < values.length; i++) dv.setFloat64(8 * i, values[i], !bigEndian);
  return { name, dims, classId: 6, dataType: 9, data };
}

function matrixElement(v: MatVarInput, le: boolean): Uint8Array {
  const flags = new Uint8Array(8);
  new DataView(flags.buffer).setUint32(0, v.classId, le);
  const dims = new Uint8Array(4 * v.dims.length);
  v.dims.forEach((d, i) => new DataView(dims.buffer).setInt32(4 * i, d, le));
  const name = new TextEncoder().encode(v.name);
  const body = concat([element(6, flags, le), element(5, dims, le), element(1, name, le), element(v.dataType, v.data, le)]);
  return concat([tag(14, body.length, le), body]);
}

/** A sub-element padded to 8 bytes; data of 1–4 bytes uses the small-element form, as MATLAB writes names. */
function element(type: number, data: Uint8Array, le: boolean): Uint8Array {
  if (data.length > 0 && data.length <= 4) {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setUint32(0, (data.length << 16) | type, le);
    out.set(data, 4);
    return out;
  }
  return concat([tag(type, data.length, le), data, new Uint8Array((8 - (data.length % 8)) % 8)]);
}

function tag(type: number, bytes: number, le: boolean): Uint8Array {
  const out = new Uint8Array(8);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, type, le);
  dv.setUint32(4, bytes, le);
  return out;
}
