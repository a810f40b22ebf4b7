import * as tf from '@tensorflow/tfjs';
import { gatherRows } from './gather-rows.ts';
import { linear } from './linear.ts';

/** One direction of a PyTorch nn.LSTM layer in tfjs layout: kernels [in, 4H] and [H, 4H], gates (i, f, g, o). */
export interface LstmWeights {
  inputKernel: tf.Tensor;
  recurrentKernel: tf.Tensor;
  /** torch's bias_ih and bias_hh, added (sigmoid gates see their sum) */
  inputBias: tf.Tensor;
  recurrentBias: tf.Tensor;
}

/**
 * A bidirectional single-layer LSTM over padded sequences as PyTorch computes it on packed ones
 * (pack_padded_sequence): the forward direction runs from word 0, the backward direction from
 * each sequence's own last real word, and outputs at padded positions are 0. Output [B, L, 2H] =
 * forward | backward. Gates are true sigmoids (tfjs-layers' LSTM would default to hardSigmoid).
 * Built from differentiable tfjs ops; the reversal within each length is a row gather.
 */
export function bidirectionalLstm(
  x: tf.Tensor3D,
  lengths: readonly number[],
  forward: LstmWeights,
  backward: LstmWeights,
): tf.Tensor3D {
  const [B, L] = x.shape;
  const mask = tf.tensor3d(
    lengths.flatMap((n) => Array.from({ length: L }, (_, t) => (t < n ? 1 : 0))),
    [B, L, 1],
  );
  const reversal = tf.tensor1d(
    lengths.flatMap((n, b) => Array.from({ length: L }, (_, t) => b * L + (t < n ? n - 1 - t : t))),
    'int32',
  );
  const reverse = (t: tf.Tensor3D) =>
    tf.reshape(gatherRows(tf.reshape(t, [B * L, t.shape[2]]), reversal), t.shape) as tf.Tensor3D;
  const ahead = lstmDirection(x, forward);
  const behind = reverse(lstmDirection(reverse(x), backward));
  return tf.mul(tf.concat([ahead, behind], 2), mask) as tf.Tensor3D;
}

/** h_t for t = 0 .. L-1 from zero initial states: [B, L, H]. */
function lstmDirection(x: tf.Tensor3D, w: LstmWeights): tf.Tensor3D {
  const [B, L] = x.shape;
  const gatesWidth = w.recurrentKernel.shape[1] as number;
  const H = gatesWidth / 4;
  // the input part of every gate, for all steps in one product
  const projected = linear(x, w.inputKernel, tf.add(w.inputBias, w.recurrentBias)) as tf.Tensor3D;
  const steps = tf.unstack(tf.transpose(projected, [1, 0, 2])) as tf.Tensor2D[];
  let h: tf.Tensor2D | undefined;
  let c: tf.Tensor2D | undefined;
  const outputs: tf.Tensor2D[] = [];
  for (const step of steps) {
    const gates = h ? tf.add(step, tf.matMul(h, w.recurrentKernel as tf.Tensor2D)) : step;
    const [i, f, g, o] = tf.split(gates, 4, 1) as tf.Tensor2D[];
    const input = tf.mul(tf.sigmoid(i), tf.tanh(g)) as tf.Tensor2D;
    c = c ? (tf.add(tf.mul(tf.sigmoid(f), c), input) as tf.Tensor2D) : input;
    h = tf.mul(tf.sigmoid(o), tf.tanh(c)) as tf.Tensor2D;
    outputs.push(h);
  }
  if (outputs.length === 0) return tf.zeros([B, L, H]);
  return tf.stack(outputs, 1) as tf.Tensor3D;
}
