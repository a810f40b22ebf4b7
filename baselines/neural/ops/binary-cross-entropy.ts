import * as tf from '@tensorflow/tfjs';

/**
 * sum(mask * BCEWithLogits(x, y)) in the stable form max(x, 0) - x*y + log(1 + exp(-|x|)),
 * torch's binary_cross_entropy_with_logits with reduction "sum" over the elements mask keeps.
 * Built from differentiable tfjs ops.
 */
export function maskedBinaryCrossEntropySum(
  logits: tf.Tensor,
  targets: tf.Tensor,
  mask: tf.Tensor,
): tf.Scalar {
  const perElement = tf.add(
    tf.sub(tf.relu(logits), tf.mul(logits, targets)),
    tf.softplus(tf.neg(tf.abs(logits))),
  );
  return tf.sum(tf.mul(perElement, mask));
}
