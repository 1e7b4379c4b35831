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
