import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng.ts';
import { applyDropout, DROPOUT_KERNEL, type DropoutAttrs, drawDropout } from './dropout-hash.ts';

/**
 * Inverted dropout whose mask is a hash of (element index, seeds), the seeds drawn from our
 * seeded Rng: a resumed run and every backend see the same masks, the backward pass recomputes
 * the mask instead of keeping it, and on a GPU nothing is uploaded (ops/dropout-hash.ts).
 * Identity when rate is 0 or rng is absent (evaluation).
 */
export function dropout(x: tf.Tensor, rate: number, rng: Rng | undefined): tf.Tensor {
  const attrs = drawDropout(rate, rng);
  if (!attrs) return x;
  const run = tf.customGrad((input) => ({
    value: applyDropoutMask(input as tf.Tensor, attrs),
    gradFunc: (dy) => applyDropoutMask(dy as tf.Tensor, attrs),
  }));
  return run(x);
}

/** x with the hash mask of attrs applied (kept values scaled by 1 / (1 - rate)); no gradient of its own. */
export function applyDropoutMask(x: tf.Tensor, attrs: DropoutAttrs): tf.Tensor {
  if (tf.getKernel(DROPOUT_KERNEL, tf.getBackend())) {
    return tf.engine().runKernel(DROPOUT_KERNEL, { x }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  }
  // backends without the kernel (tfjs-node): the same mask, computed here and uploaded
  const ones = new Float32Array(x.size).fill(1);
  const mask = new Float32Array(x.size);
  applyDropout(ones, mask, attrs);
  return tf.mul(x, tf.tensor(mask, x.shape, 'float32'));
}
