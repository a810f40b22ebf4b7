import * as tf from '@tensorflow/tfjs';

/**
 * Mean softmax cross-entropy over the rows of logits [N, C] whose label is >= 0 (label -1 marks
 * rows to ignore: padding, special tokens, continuation subwords). Returns a scalar; 0 when no
 * row counts. The gradient is the closed form (softmax - onehot) / count on counted rows.
 */
export function maskedCrossEntropy(logits: tf.Tensor2D, labels: Int32Array): tf.Scalar {
  const classes = logits.shape[1];
  const counted = labels.reduce((n, label) => n + (label >= 0 ? 1 : 0), 0);
  const weights = Float32Array.from(labels, (label) => (label >= 0 ? 1 / Math.max(counted, 1) : 0));
  const run = tf.customGrad((input, save) => {
    const logits = input as tf.Tensor2D;
    // weight * onehot: the loss is -sum(target * logProbs)
    const target = tf.mul(
      tf.oneHot(tf.tensor1d(labels, 'int32'), classes),
      tf.tensor2d(weights, [labels.length, 1]),
    );
    const logProbs = tf.logSoftmax(logits);
    (save as tf.GradSaveFunc)([logProbs, target]);
    return {
      value: tf.neg(tf.sum(tf.mul(logProbs, target))) as tf.Scalar,
      gradFunc: (dy, [logProbs, target]) => {
        // sum(target) per row is the row's weight, so this is weight * (softmax - onehot).
        const rowWeight = tf.sum(target, -1, true);
        return tf.mul(dy as tf.Tensor, tf.sub(tf.mul(tf.exp(logProbs), rowWeight), target));
      },
    };
  });
  return run(logits) as tf.Scalar;
}
