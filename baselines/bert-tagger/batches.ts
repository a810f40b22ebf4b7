import type { Rng } from '../neural/rng.ts';
import type { Chunk } from './chunks.ts';

/**
 * Size-sorted buckets (AllenNLP's bucket iterator, as MaChAmp batches): chunks of similar length
 * share a batch so little compute goes to padding. With an rng the chunks are shuffled before a
 * stable sort by length (so equal lengths mix differently every epoch) and the batch order is
 * shuffled; without one the order is deterministic (prediction).
 */
export function bucketBatches(chunks: readonly Chunk[], batchSize: number, rng?: Rng): Chunk[][] {
  const order = chunks.map((_, i) => i);
  if (rng) rng.shuffle(order);
  order.sort((a, b) => chunks[a].ids.length - chunks[b].ids.length);
  const batches: Chunk[][] = [];
  for (let i = 0; i < order.length; i += batchSize) {
    batches.push(order.slice(i, i + batchSize).map((j) => chunks[j]));
  }
  if (rng) rng.shuffle(batches);
  return batches;
}

/** Padded model inputs of a batch: ids and mask [B, T] row-major, T the longest chunk. */
export function padBatch(
  batch: readonly Chunk[],
  padId: number,
): {
  ids: Int32Array;
  mask: Int32Array;
  length: number;
} {
  const length = Math.max(...batch.map((c) => c.ids.length));
  const ids = new Int32Array(batch.length * length).fill(padId);
  const mask = new Int32Array(batch.length * length);
  batch.forEach((chunk, row) => {
    ids.set(chunk.ids, row * length);
    mask.fill(1, row * length, row * length + chunk.ids.length);
  });
  return { ids, mask, length };
}

/** One layer's labels of a batch, padded with -1 (ignored), [B * T]. */
export function padLabels(batch: readonly Chunk[], layer: number, length: number): Int32Array {
  const labels = new Int32Array(batch.length * length).fill(-1);
  batch.forEach((chunk, row) => {
    if (!chunk.labels) throw new Error('chunk has no labels');
    labels.set(chunk.labels[layer], row * length);
  });
  return labels;
}
