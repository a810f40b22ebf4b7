/**
 * SkillSpan's official scorer, nereval.perl (GermEval 2014), "1. Strict, Combined Evaluation
 * (official)" and the per-level sections "3.1 outer" (SKILL) and "3.2 inner" (KNOWLEDGE), with its
 * quirks kept on purpose (fixtures/eval-vectors/PROTOCOLS.md, section B):
 * - each level is one BIO column read over the whole file; sentence boundaries are ignored, so a
 *   sentence-initial I continues a chunk that ends the previous sentence;
 * - an orphan I (O -> I) starts a chunk, and chunk boundaries ignore the type;
 * - a chunk is found correct only when the token AFTER its end is read, and there is no final
 *   flush: a correct chunk ending on the very last token of the input is never counted.
 *
 * Per-sentence attribution (for bootstrap resampling): the perl script only has corpus totals. We
 * attribute every gold chunk, every guessed chunk and every correct chunk to the sentence holding
 * the chunk's FIRST token. The sums over all sentences equal the script's totals exactly; a
 * resample that breaks up adjacent sentences is scored as if each chunk kept the neighbours it had
 * in the full file (an approximation: it only differs when a chunk crosses a sentence boundary).
 */
import { type BioLayers, LABELS, type Label } from '../data/types.ts';
import { type BioColumns, bioColumns, TAG_B, TAG_I, TAG_O } from './bio-columns.ts';
import { countScore, f1OfCounts } from './metrics.ts';
import type { CountScore, NerevalResult } from './types.ts';

/** Per level (SKILL, then KNOWLEDGE): tp (correct chunks), guessed chunks, gold chunks. */
export const NEREVAL_STAT_COUNT = LABELS.length * 3;
const LABEL_COUNT = LABELS.length;
// the tag codes of bio-columns.ts, as module constants (an imported binding is a getter call per read)
const O = TAG_O;
const B = TAG_B;
const I = TAG_I;
const TP = 0;
const GUESSED = 1;
const GOLD = 2;

/**
 * One level over the sentences `sentences` (all, in order, when omitted) read as one file: the
 * perl script's loop on tag codes (bio-columns.ts). endOfChunk: a chunk closed between the previous
 * and the current tag (previous not O, current not I); startOfChunk: B always, and I right after O
 * (an orphan I); a column carries one type, so the type of O is empty and of B and I the column's.
 * Writes tp/guessed/gold of the k-th sentence read, s, to `out[row * stride + offset + ...]` where
 * row is `rowOf[s]` when given, else k (a stride of 0 sums everything into one row). Only
 * sentences with a tag other than O on some side count anything, so only they need a row.
 */
function scoreLevel(
  gold: Uint8Array,
  goldTagged: Uint8Array,
  guessed: Uint8Array,
  guessedTagged: Uint8Array,
  offsets: Int32Array,
  sentences: ArrayLike<number> | undefined,
  rowOf: Int32Array | undefined,
  out: Float64Array,
  stride: number,
  offset: number,
): void {
  let lastGold = O;
  let lastGuessed = O;
  let inCorrect = false;
  let correctRow = 0;
  const count = sentences ? sentences.length : offsets.length - 1;
  for (let k = 0; k < count; k++) {
    const s = sentences ? sentences[k] : k;
    const row = (rowOf ? rowOf[s] : k) * stride + offset;
    const from = offsets[s];
    let to = offsets[s + 1];
    // All O on both sides: after the first token (which may close a chunk) nothing can happen.
    if (goldTagged[s] === 0 && guessedTagged[s] === 0 && to > from + 1) to = from + 1;
    for (let t = from; t < to; t++) {
      const g = gold[t];
      const p = guessed[t];
      if (inCorrect) {
        const goldEnds = lastGold !== O && g !== I;
        const guessedEnds = lastGuessed !== O && p !== I;
        if (goldEnds && guessedEnds) {
          inCorrect = false;
          out[correctRow + TP] += 1;
        } else if (goldEnds !== guessedEnds || (g === O) !== (p === O)) {
          inCorrect = false;
        }
      }
      const goldStarts = g === B || (lastGold === O && g === I);
      const guessedStarts = p === B || (lastGuessed === O && p === I);
      // (the perl script also asks for equal types here; two starting tags are never O, so they agree)
      if (goldStarts && guessedStarts) {
        inCorrect = true;
        correctRow = row;
      }
      if (goldStarts) out[row + GOLD] += 1;
      if (guessedStarts) out[row + GUESSED] += 1;
      lastGold = g;
      lastGuessed = p;
    }
  }
  // No final flush: a correct chunk still open here is not counted (the perl script's behaviour).
}

/**
 * Runs both levels over the sentences `sentences` of the columns (all, in order, when omitted)
 * as one file; per-sentence counts, NEREVAL_STAT_COUNT per sentence read, at
 * `out[row * stride + offset]`, row as scoreLevel says (see the file comment for how chunks are
 * attributed to sentences).
 */
export function nerevalCountsPrepared(
  gold: BioColumns,
  guessed: BioColumns,
  out: Float64Array,
  stride: number,
  offset: number,
  sentences?: ArrayLike<number>,
  rowOf?: Int32Array,
): void {
  for (let level = 0; level < LABEL_COUNT; level++) {
    scoreLevel(
      gold.tags[level],
      gold.tagged[level],
      guessed.tags[level],
      guessed.tagged[level],
      gold.offsets,
      sentences,
      rowOf,
      out,
      stride,
      offset + level * 3,
    );
  }
}

/**
 * Runs both levels over the corpus. `gold[s]` and `guessed[s]` are the BIO layers of sentence s
 * (same lengths). Returns per-sentence counts, NEREVAL_STAT_COUNT per sentence (see above for
 * how chunks are attributed to sentences).
 */
export function nerevalSentenceCounts(
  gold: readonly BioLayers[],
  guessed: readonly BioLayers[],
  out: Float64Array = new Float64Array(gold.length * NEREVAL_STAT_COUNT),
  stride = NEREVAL_STAT_COUNT,
  offset = 0,
): Float64Array {
  const goldColumns = bioColumns(gold);
  const guessedColumns = bioColumns(guessed);
  for (let s = 0; s < gold.length; s++) {
    for (const label of LABELS) {
      if (guessed[s][label].length !== gold[s][label].length) {
        throw new Error(
          `nereval: sentence ${s} has ${gold[s][label].length} gold and ${guessed[s][label].length} guessed ${label} tags`,
        );
      }
    }
  }
  nerevalCountsPrepared(goldColumns, guessedColumns, out, stride, offset);
  return out;
}

function levelScore(counts: ArrayLike<number>, base: number): CountScore {
  const tp = counts[base + TP];
  return countScore(tp, counts[base + GUESSED] - tp, counts[base + GOLD] - tp);
}

/** Precision/recall/F1 (fractions) from summed counts; combined = both levels' counts summed. */
export function nerevalFromCounts(counts: ArrayLike<number>, offset = 0): NerevalResult {
  const skill = levelScore(counts, offset + LABELS.indexOf('SKILL') * 3);
  const knowledge = levelScore(counts, offset + LABELS.indexOf('KNOWLEDGE') * 3);
  return {
    strict_combined: countScore(skill.tp + knowledge.tp, skill.fp + knowledge.fp, skill.fn + knowledge.fn),
    skill_outer: skill,
    knowledge_inner: knowledge,
  };
}

/** F1 of one level, or of both combined, straight from summed counts. */
export function nerevalF1(counts: ArrayLike<number>, offset: number, level: Label | 'combined'): number {
  return level === 'combined'
    ? nerevalF1At(counts, offset, 0, LABEL_COUNT)
    : nerevalF1At(counts, offset, LABELS.indexOf(level), LABELS.indexOf(level) + 1);
}

/** F1 of the counts of levels from .. to - 1 summed. */
function nerevalF1At(counts: ArrayLike<number>, offset: number, from: number, to: number): number {
  let tp = 0;
  let guessed = 0;
  let gold = 0;
  for (let i = from; i < to; i++) {
    tp += counts[offset + i * 3 + TP];
    guessed += counts[offset + i * 3 + GUESSED];
    gold += counts[offset + i * 3 + GOLD];
  }
  return f1OfCounts(tp, guessed - tp, gold - tp);
}

/** Scores a whole corpus (gold[s] and guessed[s] are the layers of sentence s). */
export function nereval(gold: readonly BioLayers[], guessed: readonly BioLayers[]): NerevalResult {
  const perSentence = nerevalSentenceCounts(gold, guessed);
  const totals = new Float64Array(NEREVAL_STAT_COUNT);
  for (let i = 0; i < perSentence.length; i++) totals[i % NEREVAL_STAT_COUNT] += perSentence[i];
  return nerevalFromCounts(totals);
}

/**
 * The percentages the perl script prints (`printf "%.2f"` of 100*tp/found and of 2PR/(P+R) on
 * those percentages), for display and for comparing with its reports.
 */
export function nerevalPrintedPercentages(score: Pick<CountScore, 'tp' | 'fp' | 'fn'>): {
  precision: string;
  recall: string;
  fb1: string;
} {
  const guessed = score.tp + score.fp;
  const gold = score.tp + score.fn;
  const precision = guessed > 0 ? (100 * score.tp) / guessed : 0;
  const recall = gold > 0 ? (100 * score.tp) / gold : 0;
  const fb1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision: printf2(precision), recall: printf2(recall), fb1: printf2(fb1) };
}

/**
 * C's `%.2f`: rounds the exact binary value, ties to even. toFixed(2) breaks exact ties upwards;
 * exact ties (a double whose exact decimal expansion is x.xx5, such as 12.125) are rare but
 * possible with small counts, so they are detected on the exact expansion.
 */
export function printf2(value: number): string {
  const exact = value.toFixed(60);
  const tie = /\.\d\d50+$/.test(exact);
  if (!tie) return value.toFixed(2);
  const truncated = exact.slice(0, exact.indexOf('.') + 3);
  const lastDigit = Number(truncated.at(-1));
  // even last digit: keep it (round down); odd: toFixed's round-up gives the even neighbour
  return lastDigit % 2 === 0 ? truncated : value.toFixed(2);
}
