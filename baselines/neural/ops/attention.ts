import * as tf from '@tensorflow/tfjs';
import {
  ATTENTION_CONTEXT,
  ATTENTION_DELTA,
  ATTENTION_GRAD,
  ATTENTION_LSE,
  type AttentionAttrs,
} from '../backend/webgpu-attention.ts';
import { Rng } from '../rng.ts';
import { dropout } from './dropout.ts';
import { drawDropout, maskUniforms } from './dropout-hash.ts';

export interface AttentionShape {
  batch: number;
  length: number;
  heads: number;
}

/**
 * Multi-head scaled dot-product self-attention as BertSelfAttention computes it (eager):
 * softmax(q k^T / sqrt(dh) + mask) with dropout on the probabilities, times v.
 * qkv is [B*T, 3 * hidden], q | k | v side by side (the joined query/key/value layer's output,
 * bert/params.ts), heads side by side within each; the result is [B*T, hidden]. keyMask is
 * [B, T], 0 for real keys and a large negative number for padding. The dropout mask is the
 * hash mask of ops/dropout-hash.ts over the [B, heads, T, T] probabilities, so both paths below
 * drop the same elements for the same rng.
 *
 * On webgpu with the fused kernels (backend/webgpu-attention.ts) the whole op is 2 dispatches
 * forward and 2 backward, without head transposes; elsewhere it is the tfjs composition
 * (~13 kernels forward, ~15 backward).
 */
export const selfAttention: Attention = (...args) =>
  tf.getKernel(ATTENTION_CONTEXT, tf.getBackend()) ? fusedAttention(...args) : composedAttention(...args);

type Attention = (
  qkv: tf.Tensor,
  keyMask: tf.Tensor,
  shape: AttentionShape,
  dropoutRate: number,
  rng: Rng | undefined,
) => tf.Tensor2D;

const composedAttention: Attention = (qkv, keyMask, { batch, length, heads }, dropoutRate, rng) => {
  const hidden = (qkv.shape[qkv.rank - 1] as number) / 3;
  const headSize = hidden / heads;
  // [3, B*T, heads, dh], then each part's heads: q [B,H,T,dh] (pre-scaled), kT [B,H,dh,T],
  // v [B,H,T,dh]. Only rank-4 transposes and contiguous slices: the wasm backend's rank-5
  // transpose and column split are several times slower, and no transposed matMul runs forward.
  const parts = tf.transpose(tf.reshape(qkv, [batch * length, 3, heads, headSize]), [1, 0, 2, 3]);
  const part = (i: number, perm: number[]) =>
    tf.transpose(
      tf.reshape(tf.slice(parts, [i, 0, 0, 0], [1, -1, -1, -1]), [batch, length, heads, headSize]),
      perm,
    );
  const qs = part(0, [0, 2, 1, 3]);
  const kT = part(1, [0, 2, 3, 1]);
  const vs = part(2, [0, 2, 1, 3]);
  const scale = 1 / Math.sqrt(headSize);
  const scores = tf.add(tf.matMul(tf.mul(qs, scale), kT), tf.reshape(keyMask, [batch, 1, 1, length]));
  const probs = dropout(tf.softmax(scores), dropoutRate, rng);
  return tf.reshape(tf.transpose(tf.matMul(probs, vs), [0, 2, 1, 3]), [
    batch * length,
    hidden,
  ]) as tf.Tensor2D;
};

/**
 * The fused kernels, with the gradient FlashAttention uses: with P the softmax, Z the dropout
 * scaling and O the output, dS = P * (Z * (dO v^T) - rowsum(dO * O)), dq = dS k / sqrt(dh),
 * dk = dS^T q / sqrt(dh), dv = (P Z)^T dO. Only the per-row log-sum-exp is kept from the
 * forward pass; probabilities are recomputed.
 */
const fusedAttention: Attention = (qkv, keyMask, { batch, length, heads }, dropoutRate, rng) => {
  const hidden = (qkv.shape[qkv.rank - 1] as number) / 3;
  const attrs: AttentionAttrs = {
    batch,
    length,
    heads,
    headSize: hidden / heads,
    ...maskUniforms(drawDropout(dropoutRate, rng)),
  };
  const named = attrs as unknown as tf.NamedAttrMap;
  const rows = batch * length;
  const mask = tf.reshape(keyMask, [batch, length]);
  const kernel = (name: string, inputs: Record<string, tf.Tensor>) =>
    tf.engine().runKernel(name, inputs, named) as tf.Tensor;
  const run = tf.customGrad((input, save) => {
    const QKV = tf.reshape(input as tf.Tensor, [rows, 3 * hidden]);
    const lse = kernel(ATTENTION_LSE, { QKV, Mask: mask });
    const out = kernel(ATTENTION_CONTEXT, { QKV, Mask: mask, Lse: lse });
    (save as tf.GradSaveFunc)([QKV, mask, lse, out]);
    return {
      value: out,
      gradFunc: (dy, [QKV, Mask, Lse, Context]) => {
        const Dy = tf.reshape(dy as tf.Tensor, [rows, hidden]);
        const Delta = kernel(ATTENTION_DELTA, { Dy, Context });
        return tf.reshape(kernel(ATTENTION_GRAD, { QKV, Mask, Lse, Delta, Dy }), qkv.shape);
      },
    };
  });
  return run(qkv) as tf.Tensor2D;
};
/**
 * The fused kernels against the composition on a small input with padding and dropout: output
 * and gradient. A description of the worst difference when they disagree.
 */
export async function attentionSelfTest(): Promise<string | undefined> {
  const shape = { batch: 2, length: 5, heads: 2 };
  const hidden = 8;
  const rows = shape.batch * shape.length;
  const made: tf.Tensor[] = [];
  try {
    const qkv = tf.randomNormal([rows, 3 * hidden], 0, 1, 'float32', 11);
    const weights = tf.randomNormal([rows, hidden], 0, 1, 'float32', 12);
    // the second sequence has two padded keys
    const keyMask = tf.tensor2d([0, 0, 0, 0, 0, 0, 0, 0, -1e9, -1e9], [shape.batch, shape.length]);
    made.push(qkv, weights, keyMask);
    const run = (path: Attention) => {
      const rng = new Rng(77);
      const loss = (x: tf.Tensor) => tf.sum(tf.mul(path(x, keyMask, shape, 0.3, rng), weights));
      return [path(qkv, keyMask, shape, 0.3, new Rng(77)), tf.grad(loss)(qkv)];
    };
    const expected = run(composedAttention);
    const got = run(fusedAttention);
    made.push(...expected, ...got);
    let worst = 0;
    for (let i = 0; i < expected.length; i++) {
      const [a, b] = await Promise.all([got[i].data(), expected[i].data()]);
      for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j] - b[j]));
    }
    return worst < 1e-4 ? undefined : `max |difference| ${worst.toExponential(2)}`;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  } finally {
    tf.dispose(made);
  }
}
