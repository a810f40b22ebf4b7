import * as tf from '@tensorflow/tfjs';

/**
 * Column sums of a [rows, cols] matrix as ones[1, rows] @ x: one matMul instead of a reduction
 * over the first axis, which the wasm backend runs ~20x slower (it transposes first). This is
 * every bias and LayerNorm gradient.
 */
export function sumRows(x: tf.Tensor): tf.Tensor1D {
  const cols = x.shape[x.rank - 1];
  const rows = x.size / cols;
  return tf.reshape(tf.matMul(tf.ones([1, rows]), tf.reshape(x, [rows, cols]) as tf.Tensor2D), [cols]);
}
