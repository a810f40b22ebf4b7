import * as tf from '@tensorflow/tfjs';
import type { DebertaGeometry } from './config.ts';

const f32 = Math.fround;

/**
 * transformers' make_log_bucket_position for one relative position, in float32 as torch
 * computes it: positions within bucketSize / 2 of 0 stay as they are, farther ones are squeezed
 * logarithmically so that maxPosition - 1 lands on bucketSize / 2 + (bucketSize / 2 - 1).
 */
export function logBucketPosition(relative: number, bucketSize: number, maxPosition: number): number {
  const mid = Math.floor(bucketSize / 2);
  const abs = Math.abs(relative);
  if (abs <= mid) return relative;
  const ratio = f32(Math.log(f32(abs / mid)));
  const base = f32(Math.log(f32((maxPosition - 1) / mid)));
  const logPosition = Math.ceil(f32(f32(ratio / base) * (mid - 1))) + mid;
  return Math.sign(relative) * logPosition;
}

/** The row of the relative table that a query-minus-key offset reads: clamp(bucket + attSpan, 0, 2 attSpan - 1). */
export function relativeTableRow(offset: number, geometry: DebertaGeometry): number {
  const bucket =
    geometry.buckets > 0
      ? logBucketPosition(offset, geometry.buckets, geometry.maxRelativePositions)
      : offset;
  return Math.min(Math.max(bucket + geometry.attSpan, 0), 2 * geometry.attSpan - 1);
}

/**
 * Table rows for the offsets -(length - 1) ... (length - 1), ascending: every value the relative
 * position q - k takes in a sequence of this length. Attention reads the relative table through
 * these 2 length - 1 rows and a relative shift, not through a [length, length] gather.
 */
export function relativeRows(length: number, geometry: DebertaGeometry): Int32Array {
  const rows = new Int32Array(2 * length - 1);
  for (let u = 0; u < rows.length; u++) rows[u] = relativeTableRow(u - (length - 1), geometry);
  return rows;
}

/**
 * The relative shift: x [..., N, 2N - 1], whose column u holds offset (N - 1) - u (descending),
 * becomes y [..., N, N] with y[q, k] = x[q, k + (N - 1) - q], i.e. the column of offset q - k.
 * Only reshapes and contiguous slices, so tfjs differentiates it on every backend (the gradient
 * pads the slices back); costs one copy instead of an [N, N] gather per row.
 */
export function relativeShift(x: tf.Tensor): tf.Tensor {
  const n = x.shape[x.rank - 2];
  if (x.shape[x.rank - 1] !== 2 * n - 1)
    throw new Error(`relativeShift needs [..., N, 2N - 1], got [${x.shape}]`);
  if (n === 1) return x;
  const lead = x.shape.slice(0, -2);
  const m = lead.reduce((a, b) => a * b, 1);
  const flat = tf.reshape(x, [m, n * (2 * n - 1)]);
  const skewed = tf.reshape(tf.slice(flat, [0, n - 1], [m, n * (2 * n - 2)]), [m, n, 2 * n - 2]);
  return tf.reshape(tf.slice(skewed, [0, 0, 0], [m, n, n]), [...lead, n, n]);
}
