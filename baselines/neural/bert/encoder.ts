import * as tf from '@tensorflow/tfjs';
import { selfAttention } from '../ops/attention.ts';
import { addBroadcast } from '../ops/broadcast-add.ts';
import { dropout } from '../ops/dropout.ts';
import { gatherRows } from '../ops/gather-rows.ts';
import { activation } from '../ops/gelu.ts';
import { layerNorm } from '../ops/layer-norm.ts';
import { linear } from '../ops/linear.ts';
import { type Params, paramGetter } from '../params.ts';
import type { Rng } from '../rng.ts';
import { attentionOutputAndFeedForward } from '../transformer-layer.ts';
import type { BertConfig } from './config.ts';

export interface EncoderInputs {
  /** [B, T] int32 */
  inputIds: tf.Tensor2D;
  /** [B, T], 1 for real tokens, 0 for padding */
  attentionMask: tf.Tensor2D;
  /** [B, T] int32; all zeros when absent */
  tokenTypeIds?: tf.Tensor2D;
}

/** Added to attention scores of padded keys; exp() of it underflows to exactly 0. */
const MASKED = -1e9;

/**
 * BertModel's forward pass (transformers, eager attention), returning the last hidden state
 * [B, T, hidden]. Dropout is active only when an rng is given (training). Post-LN blocks:
 * x = LN(x + Attn(x)); x = LN(x + FFN(x)).
 */
export function bertEncode(
  params: Params,
  config: BertConfig,
  inputs: EncoderInputs,
  rng?: Rng,
  prefix = 'bert.',
): tf.Tensor3D {
  const p = paramGetter(params, prefix, 'BERT');
  const [batch, length] = inputs.inputIds.shape;
  if (length > config.max_position_embeddings) {
    throw new Error(
      `sequence length ${length} exceeds max_position_embeddings ${config.max_position_embeddings}`,
    );
  }
  const d = config.hidden_size;
  const heads = config.num_attention_heads;
  const hiddenDrop = config.hidden_dropout_prob;
  const tail = {
    eps: config.layer_norm_eps,
    activation: activation(config.hidden_act),
    hiddenDropout: hiddenDrop,
  };
  const rows = batch * length;

  // Embeddings: word + absolute position + token type, then LayerNorm and dropout.
  const words = gatherRows(p('embeddings.word_embeddings.weight'), tf.reshape(inputs.inputIds, [rows]));
  const positions = tf.slice(p('embeddings.position_embeddings.weight'), [0, 0], [length, d]);
  const typeTable = p('embeddings.token_type_embeddings.weight');
  let x = addBroadcast(tf.reshape(words, [batch, length, d]), positions);
  x = inputs.tokenTypeIds
    ? tf.add(
        x,
        tf.reshape(gatherRows(typeTable, tf.reshape(inputs.tokenTypeIds, [rows])), [batch, length, d]),
      )
    : addBroadcast(x, tf.slice(typeTable, [0, 0], [1, d]));
  x = tf.reshape(x, [rows, d]);
  x = dropout(
    layerNorm(x, p('embeddings.LayerNorm.weight'), p('embeddings.LayerNorm.bias'), config.layer_norm_eps),
    hiddenDrop,
    rng,
  );

  // [B, T]: 0 where the key is a real token, MASKED where it is padding.
  const keyMask = tf.mul(tf.sub(1, tf.cast(inputs.attentionMask, 'float32')), MASKED);
  for (let i = 0; i < config.num_hidden_layers; i++) {
    const l = `encoder.layer.${i}.`;
    const context = selfAttention(
      linear(x, p(`${l}attention.self.qkv.weight`), p(`${l}attention.self.qkv.bias`)),
      keyMask,
      { batch, length, heads },
      config.attention_probs_dropout_prob,
      rng,
    );
    x = attentionOutputAndFeedForward(context, x, p, l, tail, rng);
  }
  return tf.reshape(x, [batch, length, d]) as tf.Tensor3D;
}
