import * as tf from '@tensorflow/tfjs';
import { dropout } from '../ops/dropout.ts';
import type { Rng } from '../rng.ts';
import type { DebertaGeometry } from './config.ts';
import { relativeShift } from './relative-position.ts';

export interface DisentangledShape {
  batch: number;
  length: number;
  heads: number;
}

export interface AttentionMasks {
  /** [1, B, 1, T]: 0 for real keys, a large negative number for padding */
  keyBias: tf.Tensor;
  /** [1, B, T, 1]: 1 for real queries, 0 for padding */
  queryMask: tf.Tensor;
  /** [1, B, T, 1]: 1 / T for padded queries, 0 for real ones (see disentangledAttention) */
  paddedRows: tf.Tensor;
}

/**
 * DeBERTa's disentangled self-attention (DisentangledSelfAttention with share_att_key), heads
 * first ([H, B, T, ...]) so that the relative terms are plain batched matMuls:
 *
 *   score[q, k] = (Q_q . K_k + Q_q . PosK[r(q - k)] + K_k . PosQ[r(q - k)]) / sqrt(d * scaleFactor)
 *
 * qkv [B*T, 3 * hidden] is the layer's query | key | value product of the hidden states and
 * posQK [2T - 1, 2 * hidden] its query | key product of the relative-table rows for the offsets
 * -(T - 1) ... (T - 1) (relativeRows). c2p multiplies Q by the key rows in descending offset
 * order and p2c K by the query rows in ascending order; relativeShift then picks each pair's
 * offset (p2c comes out [k, q] and is transposed).
 *
 * The mask is pairwise (m_q m_k). Real queries give padded keys probability exactly 0. A padded
 * query has every key masked: transformers (5.x; checked against the fixture) fills all its
 * scores with the same minimum, so its softmax is uniform over all T keys, and so is ours (the
 * old XSoftmax zeroed such rows). Padded rows never reach real ones. Returns [B*T, hidden].
 */
export function disentangledAttention(
  qkv: tf.Tensor,
  posQK: tf.Tensor | undefined,
  masks: AttentionMasks,
  { batch, length, heads }: DisentangledShape,
  geometry: DebertaGeometry,
  dropoutRate: number,
  rng: Rng | undefined,
): tf.Tensor2D {
  const hidden = (qkv.shape[qkv.rank - 1] as number) / 3;
  const d = hidden / heads;
  const scale = 1 / Math.sqrt(d * geometry.scaleFactor);
  // [3, B*T, H, d]; part i as [H, B, T, d] (or [H, B, d, T] for the transposed key).
  const parts = tf.transpose(tf.reshape(qkv, [batch * length, 3, heads, d]), [1, 0, 2, 3]);
  const part = (i: number, perm: number[]) =>
    tf.transpose(tf.reshape(tf.slice(parts, [i, 0, 0, 0], [1, -1, -1, -1]), [batch, length, heads, d]), perm);
  const q = tf.mul(part(0, [2, 0, 1, 3]), scale);
  const k = part(1, [2, 0, 1, 3]);
  const kT = part(1, [2, 0, 3, 1]);
  const v = part(2, [2, 0, 1, 3]);
  let scores = tf.matMul(q, kT);
  if (posQK && (geometry.c2p || geometry.p2c)) {
    const span = 2 * length - 1;
    // [2, H, d, 2T - 1]: the query rows' and key rows' projections, offsets ascending
    const pos = tf.transpose(tf.reshape(posQK, [span, 2, heads, d]), [1, 2, 3, 0]);
    const posPart = (i: number) => tf.reshape(tf.slice(pos, [i, 0, 0, 0], [1, -1, -1, -1]), [heads, d, span]);
    const perHead = (t: tf.Tensor) => tf.reshape(t, [heads, batch * length, d]);
    const relative = (rows: tf.Tensor, posT: tf.Tensor) =>
      relativeShift(tf.reshape(tf.matMul(perHead(rows), posT), [heads, batch, length, span]));
    if (geometry.c2p) scores = tf.add(scores, relative(q, tf.reverse(posPart(1), -1)));
    if (geometry.p2c) {
      const p2c = relative(k, tf.mul(posPart(0), scale));
      scores = tf.add(scores, tf.transpose(p2c, [0, 1, 3, 2]));
    }
  }
  const probs = tf.add(tf.mul(tf.softmax(tf.add(scores, masks.keyBias)), masks.queryMask), masks.paddedRows);
  const context = tf.matMul(dropout(probs, dropoutRate, rng), v);
  return tf.reshape(tf.transpose(context, [1, 2, 0, 3]), [batch * length, hidden]) as tf.Tensor2D;
}
