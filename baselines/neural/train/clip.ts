import * as tf from '@tensorflow/tfjs';

/**
 * torch.nn.utils.clip_grad_norm_ over several gradient sets together (one global L2 norm, e.g.
 * across the optimizers of two parameter groups): every gradient scaled by
 * min(1, maxNorm / (norm + 1e-6)); maxNorm 0 leaves them as they are. Returns the scaled
 * gradients (new tensors) and the norm before clipping.
 */
export function clipGlobalNorm(
  grads: Map<string, tf.Tensor>,
  maxNorm: number,
): { grads: Map<string, tf.Tensor>; norm: tf.Scalar } {
  const names = [...grads.keys()];
  const [norm, ...scaled] = tf.tidy(() => {
    const values = [...grads.values()];
    const total = tf.sqrt(tf.addN(values.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
    const scale = tf.minimum(1, tf.div(maxNorm, tf.add(total, 1e-6)));
    return [total, ...values.map((g) => (maxNorm > 0 ? tf.mul(g, scale) : tf.clone(g)))];
  });
  return { grads: new Map(names.map((name, i) => [name, scaled[i]])), norm: norm as tf.Scalar };
}
