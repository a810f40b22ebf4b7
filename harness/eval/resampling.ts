/**
 * Resampling units for the bootstrap and the paired tests: single sentences, or documents (job
 * postings). A document is a run of consecutive sentences sharing `docId` (SkillSpan's idx); idx
 * is not unique across a split, so only adjacency makes a block.
 */
import type { Sentence } from '../data/types.ts';
import { type SentenceStats, STAT_COUNT } from './sentence-stats.ts';

export const RESAMPLE_UNITS = ['sentence', 'document'] as const;
export type ResampleUnit = (typeof RESAMPLE_UNITS)[number];

/** Start index of each block, plus the total sentence count at the end (blocks[i]..blocks[i+1]). */
export function resamplingBlocks(gold: readonly Pick<Sentence, 'docId'>[], unit: ResampleUnit): Int32Array {
  if (unit === 'sentence') return Int32Array.from({ length: gold.length + 1 }, (_, i) => i);
  const starts: number[] = [];
  for (let i = 0; i < gold.length; i++) {
    if (i === 0 || gold[i].docId !== gold[i - 1].docId) starts.push(i);
  }
  starts.push(gold.length);
  return Int32Array.from(starts);
}

/** The statistics of each block summed once (row-major, STAT_COUNT per block). */
export function blockStats(stats: SentenceStats, blocks: Int32Array): Float64Array {
  const count = blocks.length - 1;
  const out = new Float64Array(count * STAT_COUNT);
  for (let b = 0; b < count; b++) {
    for (let s = blocks[b]; s < blocks[b + 1]; s++) {
      const from = s * STAT_COUNT;
      const to = b * STAT_COUNT;
      for (let j = 0; j < STAT_COUNT; j++) out[to + j] += stats.rows[from + j];
    }
  }
  return out;
}

/** Adds row `index` of a row-major STAT_COUNT matrix to `totals`, `times` times. */
export function addRow(totals: Float64Array, matrix: Float64Array, index: number, times = 1): void {
  const base = index * STAT_COUNT;
  for (let j = 0; j < STAT_COUNT; j++) totals[j] += times * matrix[base + j];
}
