import * as tf from '@tensorflow/tfjs';
import { sumRows } from './sum-rows.ts';

/**
 * x [..., in] @ w [in, out] + b with a hand-written gradient:
 *   dx = dy @ w^T,  dw = x^T @ dy,  db = ones @ dy
 * Leading axes are flattened into one 2-D matMul; the bias gradient is a matMul too (sumRows),
 * and the transposed products run on the wasm backend's explicit-transpose path (kernel-fixes).
 */
export function linear(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const inputs = w.shape[0];
  const outputs = w.shape[1] as number;
  const rows = x.size / inputs;
  const run = tf.customGrad((input, weight, bias, save) => {
    const x2 = tf.reshape(input as tf.Tensor, [rows, inputs]) as tf.Tensor2D;
    (save as tf.GradSaveFunc)([x2, weight as tf.Tensor]);
    // one kernel for product and bias (XNNPACK on wasm, one dispatch on webgpu)
    const y = tf.fused.matMul({ a: x2, b: weight as tf.Tensor2D, bias: bias as tf.Tensor });
    return {
      value: x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), outputs]),
      gradFunc: (dy, [x2, weight]) => {
        const dy2 = tf.reshape(dy as tf.Tensor, [rows, outputs]) as tf.Tensor2D;
        return [
          tf.reshape(tf.matMul(dy2, weight as tf.Tensor2D, false, true), x.shape),
          tf.matMul(x2 as tf.Tensor2D, dy2, true, false),
          sumRows(dy2),
        ];
      },
    };
  });
  return run(x, w, b);
}
