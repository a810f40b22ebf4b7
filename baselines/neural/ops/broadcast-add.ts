import * as tf from '@tensorflow/tfjs';
import { sumRows } from './sum-rows.ts';

/**
 * x + r, where r's shape is the trailing part of x's (position embeddings [T, D] onto [B, T, D],
 * a token-type row [1, D] onto anything ending in D). The gradient of r is a sum over the
 * leading axes, done as a matMul (sumRows) rather than tfjs's slow first-axis reduction.
 */
export function addBroadcast(x: tf.Tensor, r: tf.Tensor): tf.Tensor {
  const run = tf.customGrad((input, row) => ({
    value: tf.add(input as tf.Tensor, row as tf.Tensor),
    gradFunc: (dy) => {
      const dyt = dy as tf.Tensor;
      return [dyt, tf.reshape(sumRows(tf.reshape(dyt, [-1, r.size])), r.shape)];
    },
  }));
  return run(x, r);
}
