import { sizeOf, type LayerMask } from './masks';

// Input channel c of a conv kernel [kh, kw, in, out] (flat, tfjs layout) is, at each kernel position p, the run of
// `out` weights that starts at (p·in + c)·out.

/** S_c = ‖W[:, :, c, :]‖²_F for every input channel c of a conv kernel [kh, kw, in, out] (flat, tfjs layout). */
export function channelScores(weight: ArrayLike<number>, shape: readonly number[]): Float64Array {
  const [kh, kw, cin, cout] = shape;
  const out = new Float64Array(cin);
  for (let p = 0; p < kh * kw; p++) {
    for (let c = 0; c < cin; c++) {
      const base = (p * cin + c) * cout;
      let s = 0;
      for (let o = 0; o < cout; o++) s += weight[base + o] * weight[base + o];
      out[c] += s;
    }
  }
  return out;
}

/** Whether input channel c has any kept weight (kernel [kh, kw, in, out]; a dense kernel [in, out] as 1×1). */
export function channelsPresent(bits: Uint8Array, shape: readonly number[]): boolean[] {
  const [kh, kw, cin, cout] = shape.length === 4 ? shape : [1, 1, shape[0], shape[1] ?? 1];
  const present = new Array<boolean>(cin).fill(false);
  for (let p = 0; p < kh * kw; p++) {
    for (let c = 0; c < cin; c++) present[c] ||= bits.subarray((p * cin + c) * cout, (p * cin + c + 1) * cout).some((b) => b !== 0);
  }
  return present;
}

/** The mask keeping whole input channels. */
export function channelMask(name: string, shape: readonly number[], keep: readonly boolean[]): LayerMask {
  const [kh, kw, cin, cout] = shape;
  const bits = new Uint8Array(sizeOf(shape));
  let nnz = 0;
  for (let p = 0; p < kh * kw; p++) {
    for (let c = 0; c < cin; c++) {
      if (!keep[c]) continue;
      bits.fill(1, (p * cin + c) * cout, (p * cin + c + 1) * cout);
      nnz += cout;
    }
  }
  return { name, shape: [...shape], bits, nnz };
}
