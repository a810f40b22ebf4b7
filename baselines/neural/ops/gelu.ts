import * as tf from '@tensorflow/tfjs';
import { GELU, GELU_GRAD } from '../backend/webgpu-kernels.ts';

const SQRT_HALF = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * The exact GELU transformers calls "gelu": x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), with its
 * derivative written out (Phi(x) + x phi(x)) instead of autodiff through erf's own chain.
 */
export function geluErf(x: tf.Tensor): tf.Tensor {
  if (tf.getKernel(GELU, tf.getBackend())) return fusedGelu(x);
  const run = tf.customGrad((input, save) => {
    const x = input as tf.Tensor;
    const cdf = tf.mul(tf.add(tf.erf(tf.mul(x, SQRT_HALF)), 1), 0.5);
    (save as tf.GradSaveFunc)([x, cdf]);
    return {
      value: tf.mul(x, cdf),
      gradFunc: (dy, [x, cdf]) => {
        const pdf = tf.mul(tf.exp(tf.mul(tf.square(x), -0.5)), INV_SQRT_2PI);
        return tf.mul(dy as tf.Tensor, tf.add(cdf, tf.mul(x, pdf)));
      },
    };
  });
  return run(x);
}

/** The same with the fused webgpu kernels (backend/webgpu-kernels.ts): one dispatch each way. */
function fusedGelu(x: tf.Tensor): tf.Tensor {
  const run = tf.customGrad((input, save) => {
    (save as tf.GradSaveFunc)([input as tf.Tensor]);
    return {
      value: tf.engine().runKernel(GELU, { X: input as tf.Tensor }) as tf.Tensor,
      gradFunc: (dy, [x]) => tf.engine().runKernel(GELU_GRAD, { X: x, Dy: dy as tf.Tensor }) as tf.Tensor,
    };
  });
  return run(x);
}

/** transformers' "gelu_new" / "gelu_pytorch_tanh": the tanh approximation (x*x*x, never tf.pow). */
export function geluTanh(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

export type Activation = 'gelu' | 'gelu_new' | 'gelu_pytorch_tanh' | 'relu';

export function activation(name: Activation): (x: tf.Tensor) => tf.Tensor {
  switch (name) {
    case 'gelu':
      return geluErf;
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
      return geluTanh;
    case 'relu':
      return tf.relu;
  }
}
