import * as tf from '@tensorflow/tfjs';
import {
  ATTENTION_CONTEXT,
  ATTENTION_DELTA,
  ATTENTION_DK,
  ATTENTION_DQ,
  ATTENTION_DV,
  ATTENTION_LSE,
  type AttentionAttrs,
} from '../backend/webgpu-attention.ts';
import { Rng } from '../rng.ts';
import { dropout } from './dropout.ts';
import { dropoutThreshold } from './dropout-hash.ts';

export interface AttentionShape {
  batch: number;
  length: number;
  heads: number;
}

/**
 * Multi-head scaled dot-product self-attention as BertSelfAttention computes it (eager):
 * softmax(q k^T / sqrt(dh) + mask) with dropout on the probabilities, times v.
 * q, k, v and the result are [B*T, hidden] with heads side by side in the columns (the layout
 * the linear layers produce); keyMask is [B, T], 0 for real keys and a large negative number for
 * padding. The dropout mask is the hash mask of ops/dropout-hash.ts over the [B, heads, T, T]
 * probabilities, so both paths below drop the same elements for the same rng.
 *
 * On webgpu with the fused kernels (backend/webgpu-attention.ts) the whole op is 2 dispatches
 * forward and 4 backward, without head transposes; elsewhere it is the tfjs composition
 * (~10 kernels forward, ~14 backward).
 */
export function selfAttention(
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  keyMask: tf.Tensor,
  shape: AttentionShape,
  dropoutRate: number,
  rng: Rng | undefined,
): tf.Tensor2D {
  if (tf.getKernel(ATTENTION_CONTEXT, tf.getBackend())) {
    return fusedAttention(q, k, v, keyMask, shape, dropoutRate, rng);
  }
  return composedAttention(q, k, v, keyMask, shape, dropoutRate, rng);
}

export function composedAttention(
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  keyMask: tf.Tensor,
  { batch, length, heads }: AttentionShape,
  dropoutRate: number,
  rng: Rng | undefined,
): tf.Tensor2D {
  const hidden = q.shape[q.rank - 1] as number;
  const headSize = hidden / heads;
  const split = (y: tf.Tensor, perm: number[]) =>
    tf.transpose(tf.reshape(y, [batch, length, heads, headSize]), perm);
  // q [B,H,T,dh] (pre-scaled), kT [B,H,dh,T], v [B,H,T,dh]: no transposed matMul in the forward pass.
  const qs = split(tf.mul(q, 1 / Math.sqrt(headSize)), [0, 2, 1, 3]);
  const kT = split(k, [0, 2, 3, 1]);
  const vs = split(v, [0, 2, 1, 3]);
  const scores = tf.add(tf.matMul(qs, kT), tf.reshape(keyMask, [batch, 1, 1, length]));
  const probs = dropout(tf.softmax(scores), dropoutRate, rng);
  return tf.reshape(tf.transpose(tf.matMul(probs, vs), [0, 2, 1, 3]), [
    batch * length,
    hidden,
  ]) as tf.Tensor2D;
}

/**
 * The fused kernels, with the gradient FlashAttention uses: with P the softmax, Z the dropout
 * scaling and O the output, dS = P * (Z * (dO v^T) - rowsum(dO * O)), dq = dS k / sqrt(dh),
 * dk = dS^T q / sqrt(dh), dv = (P Z)^T dO. Only the per-row log-sum-exp is kept from the
 * forward pass; probabilities are recomputed.
 */
function fusedAttention(
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  keyMask: tf.Tensor,
  { batch, length, heads }: AttentionShape,
  dropoutRate: number,
  rng: Rng | undefined,
): tf.Tensor2D {
  const hidden = q.shape[q.rank - 1] as number;
  const dropping = rng !== undefined && dropoutRate > 0;
  // drawn exactly as ops/dropout.ts draws them, so both paths consume the rng alike
  const seed = dropping ? rng.nextUint32() : 0;
  const seed2 = dropping ? rng.nextUint32() : 0;
  const attrs: AttentionAttrs = {
    batch,
    length,
    heads,
    headSize: hidden / heads,
    seed,
    seed2,
    threshold: dropping ? dropoutThreshold(dropoutRate) : 0,
    keepScale: dropping ? 1 / (1 - dropoutRate) : 1,
  };
  const named = attrs as unknown as tf.NamedAttrMap;
  const rows = batch * length;
  const mask = tf.reshape(keyMask, [batch, length]);
  const run = tf.customGrad((qIn, kIn, vIn, save) => {
    const [Q, K, V] = [qIn, kIn, vIn].map((t) => tf.reshape(t as tf.Tensor, [rows, hidden]));
    const kernel = (name: string, inputs: Record<string, tf.Tensor>) =>
      tf.engine().runKernel(name, inputs, named) as tf.Tensor;
    const lse = kernel(ATTENTION_LSE, { Q, K, Mask: mask });
    const out = kernel(ATTENTION_CONTEXT, { Q, K, V, Mask: mask, Lse: lse });
    (save as tf.GradSaveFunc)([Q, K, V, mask, lse, out]);
    return {
      value: out,
      gradFunc: (dy, [Q, K, V, Mask, Lse, Out]) => {
        const Dy = tf.reshape(dy as tf.Tensor, [rows, hidden]);
        const Delta = kernel(ATTENTION_DELTA, { Dy, Context: Out });
        const inputs = { Q, K, V, Mask, Lse, Delta, Dy };
        return [
          tf.reshape(kernel(ATTENTION_DQ, inputs), q.shape),
          tf.reshape(kernel(ATTENTION_DK, inputs), k.shape),
          tf.reshape(kernel(ATTENTION_DV, { Q, K, Mask, Lse, Dy }), v.shape),
        ];
      },
    };
  });
  return run(q, k, v) as tf.Tensor2D;
}

/**
 * The fused kernels against the composition on a small input with padding and dropout: output
 * and the three input gradients. A description of the worst difference when they disagree.
 */
export async function attentionSelfTest(): Promise<string | undefined> {
  const shape = { batch: 2, length: 5, heads: 2 };
  const hidden = 8;
  const rows = shape.batch * shape.length;
  const made: tf.Tensor[] = [];
  try {
    const [q, k, v, weights] = [11, 12, 13, 14].map((seed) =>
      tf.randomNormal([rows, hidden], 0, 1, 'float32', seed),
    );
    // the second sequence has two padded keys
    const keyMask = tf.tensor2d([0, 0, 0, 0, 0, 0, 0, 0, -1e9, -1e9], [shape.batch, shape.length]);
    made.push(q, k, v, weights, keyMask);
    const run = (path: typeof composedAttention) => {
      const rng = new Rng(77);
      const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.sum(tf.mul(path(a, b, c, keyMask, shape, 0.3, rng), weights));
      const out = path(q, k, v, keyMask, shape, 0.3, new Rng(77));
      return [out, ...tf.grads(loss)([q, k, v])];
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
