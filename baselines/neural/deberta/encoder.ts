import * as tf from '@tensorflow/tfjs';
import { addBroadcast } from '../ops/broadcast-add.ts';
import { dropout } from '../ops/dropout.ts';
import { gatherRows } from '../ops/gather-rows.ts';
import { activation } from '../ops/gelu.ts';
import { layerNorm } from '../ops/layer-norm.ts';
import { linear } from '../ops/linear.ts';
import { type Params, paramGetter } from '../params.ts';
import type { Rng } from '../rng.ts';
import { attentionOutputAndFeedForward } from '../transformer-layer.ts';
import { disentangledAttention } from './attention.ts';
import { type DebertaConfig, debertaGeometry } from './config.ts';
import { relativeRows } from './relative-position.ts';

export interface DebertaInputs {
  /** [B, T] int32 */
  inputIds: tf.Tensor2D;
  /** [B, T], 1 for real tokens, 0 for padding */
  attentionMask: tf.Tensor2D;
  /** [B, T] int32; only for configs with type_vocab_size > 0 (all zeros when absent) */
  tokenTypeIds?: tf.Tensor2D;
}

/** Added to the scores of padded keys; exp() of it underflows to exactly 0. */
const MASKED = -1e9;

/**
 * DebertaV2Model's forward pass (transformers, eval semantics unless an rng is given for
 * dropout), returning the last hidden state [B, T, hidden]:
 * embeddings -> LayerNorm -> times the attention mask -> dropout; the relative table through
 * encoder.LayerNorm once; then per layer x = LN(x + Out(Attn(x))), x = LN(x + FFN(x)).
 * prefix is the checkpoint's name prefix ('' for DebertaV2Model, 'deberta.' in task models,
 * 'token_rep_layer.bert_layer.model.' in GLiNER).
 */
export function debertaEncode(
  params: Params,
  config: DebertaConfig,
  inputs: DebertaInputs,
  rng?: Rng,
  prefix = '',
): tf.Tensor3D {
  const p = paramGetter(params, prefix, 'DeBERTa');
  const [batch, length] = inputs.inputIds.shape;
  const d = config.hidden_size;
  const heads = config.num_attention_heads;
  const geometry = debertaGeometry(config);
  const hiddenDrop = config.hidden_dropout_prob;
  const tail = {
    eps: config.layer_norm_eps,
    activation: activation(config.hidden_act),
    hiddenDropout: hiddenDrop,
  };
  const rows = batch * length;
  const mask = tf.cast(inputs.attentionMask, 'float32');

  let x = gatherRows(p('embeddings.word_embeddings.weight'), tf.reshape(inputs.inputIds, [rows]));
  x = tf.reshape(x, [batch, length, d]);
  if (config.position_biased_input) {
    if (length > config.max_position_embeddings)
      throw new Error(
        `sequence length ${length} exceeds max_position_embeddings ${config.max_position_embeddings}`,
      );
    x = addBroadcast(x, tf.slice(p('embeddings.position_embeddings.weight'), [0, 0], [length, d]));
  }
  if (config.type_vocab_size > 0) {
    const types = inputs.tokenTypeIds ?? tf.zeros([batch, length], 'int32');
    x = tf.add(
      x,
      tf.reshape(gatherRows(p('embeddings.token_type_embeddings.weight'), tf.reshape(types, [rows])), [
        batch,
        length,
        d,
      ]),
    );
  }
  x = layerNorm(x, p('embeddings.LayerNorm.weight'), p('embeddings.LayerNorm.bias'), config.layer_norm_eps);
  x = dropout(tf.mul(x, tf.reshape(mask, [batch, length, 1])), hiddenDrop, rng);
  x = tf.reshape(x, [rows, d]);

  // The pairwise mask m_q m_k as a key bias plus a query-row mask (attention.ts).
  const masks = {
    keyBias: tf.reshape(tf.mul(tf.sub(1, mask), MASKED), [1, batch, 1, length]),
    queryMask: tf.reshape(mask, [1, batch, length, 1]),
    paddedRows: tf.reshape(tf.div(tf.sub(1, mask), length), [1, batch, length, 1]),
  };
  const relative = geometry.c2p || geometry.p2c;
  let table: tf.Tensor | undefined;
  let offsets: tf.Tensor | undefined;
  if (relative) {
    table = p('encoder.rel_embeddings.weight');
    if (geometry.normRelative)
      table = layerNorm(
        table,
        p('encoder.LayerNorm.weight'),
        p('encoder.LayerNorm.bias'),
        config.layer_norm_eps,
      );
    offsets = tf.tensor1d(relativeRows(length, geometry), 'int32');
  }

  for (let i = 0; i < config.num_hidden_layers; i++) {
    const l = `encoder.layer.${i}.`;
    const weight = p(`${l}attention.self.qkv.weight`);
    const bias = p(`${l}attention.self.qkv.bias`);
    let posQK: tf.Tensor | undefined;
    if (table && offsets) {
      // each layer drops out the shared table on its own (pos_dropout), then projects the rows
      // it reads with its own query and key weights (share_att_key)
      const rowsUsed = gatherRows(dropout(table, hiddenDrop, rng), offsets);
      posQK = linear(rowsUsed, tf.slice(weight, [0, 0], [d, 2 * d]), tf.slice(bias, [0], [2 * d]));
    }
    const context = disentangledAttention(
      linear(x, weight, bias),
      posQK,
      masks,
      { batch, length, heads },
      geometry,
      config.attention_probs_dropout_prob,
      rng,
    );
    x = attentionOutputAndFeedForward(context, x, p, l, tail, rng);
  }
  return tf.reshape(x, [batch, length, d]) as tf.Tensor3D;
}
