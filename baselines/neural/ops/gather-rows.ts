import * as tf from '@tensorflow/tfjs';

/**
 * table[indices] along the first axis, differentiable on every backend: tf.gather's own gradient
 * needs the UnsortedSegmentSum kernel (absent on wasm, quadratic on cpu); this one scatters the
 * incoming gradient back with scatterND, which sums duplicate indices. The indices are int32 and
 * get no gradient.
 */
export function gatherRows(table: tf.Tensor, indices: tf.Tensor): tf.Tensor {
  const shape = table.shape;
  const run = tf.customGrad((input, save) => {
    // Everything the backward pass reads must go through save(): tensors merely closed over
    // are disposed when the forward pass's scope ends.
    (save as tf.GradSaveFunc)([indices]);
    return {
      value: tf.gather(input as tf.Tensor, indices),
      gradFunc: (dy, [indices]) => {
        const rows = indices.size;
        const flat = tf.reshape(dy as tf.Tensor, [rows, ...shape.slice(1)]);
        return tf.scatterND(tf.reshape(indices, [rows, 1]), flat, shape);
      },
    };
  });
  return run(table);
}
