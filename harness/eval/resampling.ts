/**
 * Resampling units for the bootstrap and the paired tests: single sentences, or documents (job
 * postings). A document is a run of consecutive sentences sharing `docId` (SkillSpan's idx); idx
 * is not unique across a split, so only adjacency makes a block.
 *
 * Also the bootstrap's draws: resample r draws `units` units with replacement from
 * mulberry32(seed). The confidence intervals and the paired bootstrap test draw exactly this
 * sequence for the same (units, resamples, seed), so a report that runs many of them draws once.
 */
import type { Sentence } from '../data/types.ts';
import { mulberry32 } from './prng.ts';
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

/**
 * The statistics of each block summed once, row-major: every STAT_COUNT column per block, or only
 * `columns` (in that order) when given, which is all a metric's resamples read.
 */
export function blockStats(
  stats: SentenceStats,
  blocks: Int32Array,
  columns?: readonly number[],
): Float64Array {
  const stride = STAT_COUNT;
  const count = blocks.length - 1;
  const { rows } = stats;
  const picked = columns ? Int32Array.from(columns) : undefined;
  const width = picked ? picked.length : stride;
  const out = new Float64Array(count * width);
  // rows in sentence order (all sentences, or those listed in rowSentences)
  const listed = stats.rowSentences;
  const rowCount = rows.length / stride;
  let block = 0;
  for (let k = 0; k < rowCount; k++) {
    const s = listed ? listed[k] : k;
    while (s >= blocks[block + 1]) block++;
    const from = k * stride;
    const to = block * width;
    if (picked) for (let c = 0; c < width; c++) out[to + c] += rows[from + picked[c]];
    else for (let j = 0; j < stride; j++) out[to + j] += rows[from + j];
  }
  return out;
}

/** Kept draw tables: at most this many counts in all (4 bytes each). */
const KEPT_COUNTS_LIMIT = 8 * 1024 * 1024;
const kept = new Map<string, Int32Array>();

/**
 * Calls `visit(counts, base, r)` for resamples r = 0 .. resamples - 1 of `units` units drawn with
 * replacement from mulberry32(seed) (each draw is `random.int(units)`, `units` draws per
 * resample): resample r drew unit u `counts[base + u]` times (valid during the call). The draws
 * of small enough (units, resamples, seed) are kept, so the intervals and tests of many systems
 * drawn with one seed draw once.
 */
export function forEachResample(
  units: number,
  resamples: number,
  seed: number,
  visit: (counts: Int32Array, base: number, r: number) => void,
): void {
  const key = `${units}/${resamples}/${seed}`;
  let table = kept.get(key);
  if (!table && units * resamples <= KEPT_COUNTS_LIMIT / 2) {
    table = new Int32Array(units * resamples);
    const random = mulberry32(seed);
    for (let r = 0; r < resamples; r++) {
      const base = r * units;
      for (let k = 0; k < units; k++) table[base + random.int(units)]++;
    }
    let total = table.length;
    for (const other of kept.values()) total += other.length;
    for (const [oldest, other] of kept) {
      if (total <= KEPT_COUNTS_LIMIT) break;
      kept.delete(oldest);
      total -= other.length;
    }
    kept.set(key, table);
  }
  if (table) {
    for (let r = 0; r < resamples; r++) visit(table, r * units, r);
    return;
  }
  // too many to keep: one resample at a time
  const counts = new Int32Array(units);
  const random = mulberry32(seed);
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    for (let k = 0; k < units; k++) counts[random.int(units)]++;
    visit(counts, 0, r);
  }
}

interface ColumnSums {
  blocks: Int32Array;
  resamples: number;
  seed: number;
  /** per statistics column, its sum in each resample */
  columns: Map<number, Float64Array>;
}

/** Resampled column sums already made, per statistics object (statistics are never changed). */
const columnSums = new WeakMap<SentenceStats, ColumnSums[]>();

function sameBlocks(a: Int32Array, b: Int32Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * For each of `columns`, its sum over the units each resample drew (forEachResample), unit sums
 * added in ascending unit order. Sums made once for a statistics object are reused, so the
 * interval of a system and every test it takes part in (with one seed) sum its units once.
 */
export function resampledColumnSums(
  stats: SentenceStats,
  blocks: Int32Array,
  columns: readonly number[],
  resamples: number,
  seed: number,
): Float64Array[] {
  let entries = columnSums.get(stats);
  if (!entries) {
    entries = [];
    columnSums.set(stats, entries);
  }
  let entry = entries.find(
    (e) => e.resamples === resamples && e.seed === seed && sameBlocks(e.blocks, blocks),
  );
  if (!entry) {
    entry = { blocks, resamples, seed, columns: new Map() };
    entries.push(entry);
  }
  const known = entry.columns;
  const missing = [...new Set(columns)].filter((column) => !known.has(column));
  if (missing.length > 0) {
    const width = missing.length;
    const units = blocks.length - 1;
    const perUnit = blockStats(stats, blocks, missing);
    // Per column, the units where it is not 0 (ascending; the others add nothing) with their
    // values; a column that is mostly non-zero is read whole instead (no indirection).
    const unitLists: (Int32Array | undefined)[] = [];
    const valueLists: Float64Array[] = [];
    for (let c = 0; c < width; c++) {
      const list: number[] = [];
      for (let u = 0; u < units; u++) if (perUnit[u * width + c] !== 0) list.push(u);
      const whole = list.length > units / 2;
      unitLists.push(whole ? undefined : Int32Array.from(list));
      valueLists.push(
        whole
          ? Float64Array.from({ length: units }, (_, u) => perUnit[u * width + c])
          : Float64Array.from(list, (u) => perUnit[u * width + c]),
      );
    }
    const sums = missing.map(() => new Float64Array(resamples));
    forEachResample(units, resamples, seed, (counts, base, r) => {
      for (let c = 0; c < width; c++) {
        const unitList = unitLists[c];
        const values = valueLists[c];
        let sum = 0;
        if (unitList) for (let k = 0; k < unitList.length; k++) sum += counts[base + unitList[k]] * values[k];
        else for (let u = 0; u < units; u++) sum += counts[base + u] * values[u];
        sums[c][r] = sum;
      }
    });
    missing.forEach((column, c) => {
      known.set(column, sums[c]);
    });
  }
  return columns.map((column) => known.get(column)!);
}
