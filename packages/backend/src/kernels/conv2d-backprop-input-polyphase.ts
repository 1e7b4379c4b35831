import * as tf from '@tensorflow/tfjs-core';
import { convInfoOf, type ConvAttrs } from './conv-info';
import { floatView, outputTensor } from './tensor-memory';

/** Where one phase of a strided axis lands in dx, and the stride-1 conv that computes it from dy. */
interface AxisPhase {
  /** Kernel taps r, r+s, r+2s, … that reach this phase. */
  r: number;
  taps: number;
  /** First dx index of the phase, and how many (every s-th). */
  first: number;
  count: number;
  /** dy rows [start, start+size) padded by before/after feed the phase's stride-1 conv. */
  start: number;
  size: number;
  before: number;
  after: number;
}

/**
 * The phases of one axis. For dx index i with (i + pad) mod s = r, dx[i] = Σ_j dy[q − j]·W[r + s·j] with
 * q = (i + pad − r)/s: a stride-1 correlation of dy with the reversed sub-kernel W[r], W[r+s], …
 */
function axisPhases(stride: number, kernel: number, pad: number, inSize: number, outSize: number): AxisPhase[] {
  const phases: AxisPhase[] = [];
  for (let r = 0; r < stride; r++) {
    const taps = r < kernel ? Math.ceil((kernel - r) / stride) : 0;
    const first = (((r - pad) % stride) + stride) % stride;
    const count = first < inSize ? Math.ceil((inSize - first) / stride) : 0;
    if (taps === 0 || count === 0) continue;
    const q0 = (first + pad - r) / stride;
    // Padded dy index u maps to dy[u + q0 − (taps − 1)]; the conv reads u in [0, count + taps − 1).
    let start = q0 - (taps - 1);
    let end = start + count + taps - 1;
    const before = Math.max(0, -start);
    const after = Math.max(0, end - outSize);
    start = Math.max(0, start);
    end = Math.min(outSize, end);
    if (end <= start) continue;
    phases.push({ r, taps, first, count, start, size: end - start, before, after });
  }
  return phases;
}

/**
 * dx of a conv as stride² stride-1 forward convs, one per output phase, each with the sub-kernel of the
 * taps that reach it: the same multiply count as dy·Wᵀ, but in the backend's fastest kernel (XNNPACK on
 * wasm, threaded) and without a scatter-add. Dilation must be 1.
 */
export function conv2dBackpropInputPolyphase(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  attrs: ConvAttrs,
  inputShape: [number, number, number, number],
): tf.Tensor4D {
  const info = convInfoOf(inputShape, filter.shape, attrs);
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) throw new Error('conv2dBackpropInputPolyphase: dilation must be 1');
  const [kh, kw, ci, co] = filter.shape;
  const [n, h, w] = inputShape;
  const rows = axisPhases(info.strideHeight, kh, info.padInfo.top, h, info.outHeight);
  const cols = axisPhases(info.strideWidth, kw, info.padInfo.left, w, info.outWidth);
  const backend = tf.backend();
  const parts: Array<{ ph: AxisPhase; pw: AxisPhase; out: tf.Tensor4D }> = [];
  try {
    for (const ph of rows) {
      for (const pw of cols) {
        const kernel = outputTensor([ph.taps, pw.taps, co, ci], (out) => {
          const wv = floatView(backend, filter);
          for (let th = 0; th < ph.taps; th++) {
            for (let tw = 0; tw < pw.taps; tw++) {
              const src = ((ph.r + info.strideHeight * (ph.taps - 1 - th)) * kw + (pw.r + info.strideWidth * (pw.taps - 1 - tw))) * ci * co;
              const dst = (th * pw.taps + tw) * co * ci;
              for (let c = 0; c < ci; c++) for (let o = 0; o < co; o++) out[dst + o * ci + c] = wv[src + c * co + o];
            }
          }
        }) as tf.Tensor4D;
        const whole = ph.start === 0 && ph.size === info.outHeight && pw.start === 0 && pw.size === info.outWidth;
        const src = whole ? dy : tf.slice(dy, [0, ph.start, pw.start, 0], [n, ph.size, pw.size, co]);
        try {
          parts.push({ ph, pw, out: tf.conv2d(src, kernel, 1, [[0, 0], [ph.before, ph.after], [pw.before, pw.after], [0, 0]]) });
        } finally {
          kernel.dispose();
          if (src !== dy) src.dispose();
        }
      }
    }
    // Stride 1 has one phase that covers dx: the conv's output is dx itself (a forward conv with the
    // kernel rotated by 180° and in/out channels swapped).
    if (info.strideHeight === 1 && info.strideWidth === 1 && parts.length === 1) return parts.pop()!.out;
    // When the phases tile dx (every row and column reached by some tap), no element is left to zero.
    const covers = sum(rows.map((p) => p.count)) === h && sum(cols.map((p) => p.count)) === w;
    return outputTensor(inputShape, (dx) => {
      for (const { ph, pw, out } of parts) {
        const v = floatView(backend, out);
        const sw = info.strideWidth;
        let src = 0;
        for (let b = 0; b < n; b++) {
          for (let m = 0; m < ph.count; m++) {
            let dst = ((b * h + ph.first + m * info.strideHeight) * w + pw.first) * ci;
            // Plain loops: a subarray per pixel costs more than the copy on a shared heap.
            for (let k = 0; k < pw.count; k++, dst += sw * ci) for (let c = 0; c < ci; c++) dx[dst + c] = v[src++];
          }
        }
      }
    }, covers) as tf.Tensor4D;
  } finally {
    for (const p of parts) p.out.dispose();
  }
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
