import * as tf from '@tensorflow/tfjs-core';
import { apgdCheckpoints } from './apgd-checkpoints';
import { eotLossGradient, type PerSampleLoss } from './eot-gradient';
import { normalizeL2, projectBall, steepestDirection, type LpNorm } from './lp-norm';
import type { SubsetRun } from './restart-book';
import { selectRows } from './rows';
import type { LogitsFn } from './types';

/** Called after every APGD iterate with the iterate and the clean points it belongs to (do not dispose). */
export type IterateHook = (iterate: tf.Tensor4D, origin: tf.Tensor4D) => void;

export type ApgdRunOptions = {
  eps: number;
  /** Threat model; default 'Linf'. */
  norm?: LpNorm;
  nIter: number;
  rho: number;
  eot: number;
  /** A tfjs sampler seed for the random start (non-zero: tfjs treats 0 as unseeded). */
  startSeed: number;
  onIterate?: IterateHook;
};

type State = {
  xAdv: tf.Tensor4D;
  /** The iterate before xAdv, for the momentum term. */
  xOld: tf.Tensor4D;
  grad: tf.Tensor4D;
  xBest: tf.Tensor4D;
  gradBest: tf.Tensor4D;
  lossBest: tf.Tensor1D;
  /** The last iterate that fooled the model, and whether any did. */
  xFooled: tf.Tensor4D;
  fooled: tf.Tensor1D;
  /** η per sample, [n, 1, 1, 1]. */
  step: tf.Tensor4D;
  prevLoss: tf.Tensor1D;
  /** Steps since the last checkpoint whose loss rose above the previous step's. */
  increases: tf.Tensor1D;
  reducedLast: tf.Tensor1D;
  lossBestLast: tf.Tensor1D;
};

const MOMENTUM = 0.75;

/**
 * One APGD run (Croce & Hein 2020, ℓ∞ or ℓ2) on every row of x: random start on the ε-sphere, step η = 2ε,
 * momentum 0.75, and at each checkpoint η halves, restarting from the best point, where at most a share
 * ρ of the steps since the last checkpoint raised the loss (count ≤ ρ·window as in the reference code; the
 * paper writes <) or where η was not halved last time and the best loss has not improved since. Every
 * iterate lies in the ε-ball ∩ [0, 1]. ℓ2 as the reference's APGD-ℓ2: steps along ∇/‖∇‖₂, the ball
 * projection δ·min(1, ε/‖δ‖₂) then the clip to [0, 1], and a start at x + ε·n/‖n‖₂ with n ~ N(0, I).
 *
 * Returns per row the last iterate that fooled the model or else the highest-loss iterate, and that loss.
 */
export function apgdRun(
  logitsFn: LogitsFn,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  lossFn: PerSampleLoss,
  options: ApgdRunOptions,
): SubsetRun {
  const { eps, nIter, rho, eot, onIterate, norm = 'Linf' } = options;
  const checkpoints = apgdCheckpoints(nIter);
  let state = initialState(logitsFn, x, y, lossFn, options);
  try {
    onIterate?.(state.xAdv, x);
    let lastCheckpoint = 0;
    for (let i = 0; i < nIter; i++) {
      const previous = state;
      const momentum = i === 0 ? 1 : MOMENTUM;
      const atCheckpoint = checkpoints.includes(i + 1);
      const window = i + 1 - lastCheckpoint;
      state = tf.tidy(() => {
        const next = step(logitsFn, x, y, lossFn, previous, { eps, eot, momentum, norm });
        return atCheckpoint ? checkpoint(next, window, rho) : next;
      });
      disposeReplaced(previous, state);
      if (atCheckpoint) lastCheckpoint = i + 1;
      onIterate?.(state.xAdv, x);
    }
    const adv = selectRows(state.fooled, state.xFooled, state.xBest);
    const fooled = Array.from(state.fooled.dataSync(), (v) => v === 1);
    const score = state.lossBest.dataSync().slice();
    return { adv, fooled, score };
  } finally {
    disposeState(state);
  }
}

function initialState(logitsFn: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D, lossFn: PerSampleLoss, options: ApgdRunOptions): State {
  const { eps, eot, startSeed, norm = 'Linf' } = options;
  return tf.tidy(() => {
    const xAdv = norm === 'Linf' ? linfSphereStart(x, eps, startSeed) : (tf.clipByValue(tf.add(x, tf.mul(eps, normalizeL2(tf.randomNormal(x.shape, 0, 1, 'float32', startSeed)))), 0, 1) as tf.Tensor4D);
    const { loss, grad, logits } = eotLossGradient(logitsFn, xAdv, y, lossFn, eot);
    const miss = tf.cast(tf.notEqual(tf.argMax(logits, 1), tf.cast(y, 'int32')), 'float32') as tf.Tensor1D;
    return {
      xAdv,
      xOld: tf.clone(xAdv),
      grad,
      xBest: tf.clone(xAdv),
      gradBest: tf.clone(grad),
      lossBest: tf.clone(loss),
      xFooled: tf.clone(xAdv),
      fooled: miss,
      step: tf.fill([x.shape[0], 1, 1, 1], 2 * eps) as tf.Tensor4D,
      prevLoss: loss,
      increases: tf.zerosLike(loss),
      // "Reduced at the last checkpoint" starts true, so the first checkpoint tests oscillation only.
      reducedLast: tf.onesLike(loss),
      lossBestLast: tf.clone(loss),
    };
  });
}

/** x + ε·t/‖t‖∞ with t ~ U(−1, 1): a random point on the ℓ∞ ε-sphere (one coordinate exactly at ±ε). */
function linfSphereStart(x: tf.Tensor4D, eps: number, seed: number): tf.Tensor4D {
  const t = tf.randomUniform(x.shape, -1, 1, 'float32', seed);
  const tMax = tf.reshape(tf.max(tf.abs(t), [1, 2, 3]), [-1, 1, 1, 1]);
  return tf.clipByValue(tf.add(x, tf.mul(eps, tf.div(t, tf.add(tMax, 1e-12)))), 0, 1) as tf.Tensor4D;
}

function step(
  logitsFn: LogitsFn,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  lossFn: PerSampleLoss,
  s: State,
  { eps, eot, momentum, norm }: { eps: number; eot: number; momentum: number; norm: LpNorm },
): State {
  const z = projectBall(norm, tf.add(s.xAdv, tf.mul(s.step, steepestDirection(norm, s.grad))), x, eps);
  const moved = tf.add(s.xAdv, tf.add(tf.mul(tf.sub(z, s.xAdv), momentum), tf.mul(tf.sub(s.xAdv, s.xOld), 1 - momentum)));
  const xNew = projectBall(norm, moved as tf.Tensor4D, x, eps);
  const { loss, grad, logits } = eotLossGradient(logitsFn, xNew, y, lossFn, eot);
  const miss = tf.notEqual(tf.argMax(logits, 1), tf.cast(y, 'int32'));
  const improved = tf.greater(loss, s.lossBest);
  return {
    ...s,
    xAdv: xNew,
    xOld: s.xAdv,
    grad,
    xBest: selectRows(improved, xNew, s.xBest),
    gradBest: selectRows(improved, grad, s.gradBest),
    lossBest: tf.where(improved, loss, s.lossBest),
    xFooled: selectRows(miss, xNew, s.xFooled),
    fooled: tf.maximum(s.fooled, tf.cast(miss, 'float32')),
    prevLoss: loss,
    increases: tf.add(s.increases, tf.cast(tf.greater(loss, s.prevLoss), 'float32')),
  };
}

function checkpoint(s: State, window: number, rho: number): State {
  const oscillating = tf.lessEqual(s.increases, window * rho);
  const stalled = tf.logicalAnd(tf.equal(s.reducedLast, 0), tf.greaterEqual(s.lossBestLast, s.lossBest));
  const reduce = tf.logicalOr(oscillating, stalled);
  return {
    ...s,
    step: selectRows(reduce, tf.div<tf.Tensor4D>(s.step, 2), s.step),
    xAdv: selectRows(reduce, s.xBest, s.xAdv),
    grad: selectRows(reduce, s.gradBest, s.grad),
    reducedLast: tf.cast(reduce, 'float32') as tf.Tensor1D,
    lossBestLast: s.lossBest,
    increases: tf.zerosLike(s.increases),
  };
}

function disposeReplaced(previous: State, next: State): void {
  const kept = new Set<tf.Tensor>(Object.values(next));
  for (const t of Object.values(previous)) if (!kept.has(t)) t.dispose();
}

function disposeState(s: State): void {
  for (const t of new Set<tf.Tensor>(Object.values(s))) if (!t.isDisposed) t.dispose();
}
