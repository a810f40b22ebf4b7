import * as tf from '@tensorflow/tfjs';
import { parseBertConfig } from '../../baselines/neural/bert/config.ts';
import { BertTokenModel } from '../../baselines/neural/bert/model.ts';
import { maskedCrossEntropy } from '../../baselines/neural/ops/cross-entropy.ts';
import { Rng } from '../../baselines/neural/rng.ts';

/** A BERT small enough for finite differences: 1 layer, hidden 8, 2 heads, vocabulary 12. */
export function tinyBert(seed = 7, numLabels = 3): BertTokenModel {
  const config = parseBertConfig(
    {
      vocab_size: 12,
      hidden_size: 8,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      intermediate_size: 16,
      max_position_embeddings: 16,
      initializer_range: 0.5,
    },
    'tiny',
  );
  return BertTokenModel.create(config, numLabels, new Rng(seed));
}

export const TINY_IDS = [
  [2, 5, 6, 7, 3, 0],
  [2, 8, 9, 3, 0, 0],
];
export const TINY_LABELS = Int32Array.from([-1, 1, 2, 0, -1, -1, -1, 0, 1, -1, -1, -1]);

/** The loss of the tiny model as a function of the given parameter values (names in order). */
export function tinyLoss(model: BertTokenModel, names: string[]): (...values: tf.Tensor[]) => tf.Scalar {
  return (...values) => {
    const params = new Map(model.params as Map<string, tf.Tensor>);
    names.forEach((name, i) => {
      params.set(name, values[i]);
    });
    const view = new BertTokenModel(model.config, params as never, model.numLabels, model.prefix);
    const ids = tf.tensor2d(TINY_IDS, undefined, 'int32');
    const mask = tf.cast(tf.notEqual(ids, 0), 'int32');
    const logits = view.classify(
      view.encode({ inputIds: ids as tf.Tensor2D, attentionMask: mask as tf.Tensor2D }),
    );
    return maskedCrossEntropy(tf.reshape(logits, [-1, model.numLabels]) as tf.Tensor2D, TINY_LABELS);
  };
}
