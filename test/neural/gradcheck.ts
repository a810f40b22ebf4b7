import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../baselines/neural/rng.ts';

export interface GradCheckResult {
  /** largest |analytic - numeric| / (atol + rtol * |numeric|) over the sampled coordinates; <= 1 passes */
  worst: number;
  detail: string;
}

/**
 * Central finite differences against tf.grads for a scalar function of float32 tensors, on a
 * random sample of coordinates of every input (float32 limits the precision: eps 1e-2 keeps the
 * truncation error ~1e-4 and the rounding error ~1e-5 for losses of order 1-10).
 */
export function finiteDifferenceCheck(
  f: (...inputs: tf.Tensor[]) => tf.Scalar,
  inputs: tf.Tensor[],
  options: { eps?: number; atol?: number; rtol?: number; samples?: number; seed?: number } = {},
): GradCheckResult {
  const eps = options.eps ?? 1e-2;
  const atol = options.atol ?? 1e-3;
  const rtol = options.rtol ?? 1e-2;
  const rng = new Rng(options.seed ?? 1);
  const analytic = tf
    .grads(f)(inputs)
    .map((g) => g.dataSync());
  let worst = 0;
  let detail = '';
  inputs.forEach((input, k) => {
    const base = input.dataSync().slice() as Float32Array;
    const coordinates = Math.min(options.samples ?? 12, base.length);
    for (let s = 0; s < coordinates; s++) {
      const i = coordinates === base.length ? s : rng.int(base.length);
      const at = (delta: number) => {
        const values = base.slice();
        values[i] += delta;
        return tf.tidy(() => {
          const perturbed = inputs.map((t, j) => (j === k ? tf.tensor(values, t.shape) : t));
          return f(...perturbed).dataSync()[0];
        });
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      const ratio = Math.abs(analytic[k][i] - numeric) / (atol + rtol * Math.abs(numeric));
      if (ratio > worst) {
        worst = ratio;
        detail = `input ${k} [${i}]: analytic ${analytic[k][i]} numeric ${numeric}`;
      }
    }
  });
  return { worst, detail };
}

/** max |a - b| */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
