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
import { type BioLayers, type BioTag, LABELS, type Label } from '../data/types.ts';
import { countScore, f1OfCounts } from './metrics.ts';
import type { CountScore, NerevalResult } from './types.ts';

/** Per level (SKILL, then KNOWLEDGE): tp (correct chunks), guessed chunks, gold chunks. */
export const NEREVAL_STAT_COUNT = LABELS.length * 3;
const TP = 0;
const GUESSED = 1;
const GOLD = 2;

/** The perl script's endOfChunk: a chunk closed between the previous and the current tag. */
function endOfChunk(previous: BioTag, current: BioTag): boolean {
  return previous !== 'O' && current !== 'I';
}

/** The perl script's startOfChunk: B always, and I right after O (an orphan I). */
function startOfChunk(previous: BioTag, current: BioTag): boolean {
  return current === 'B' || (previous === 'O' && current === 'I');
}

/** One column carries one type: the type of O is empty, of B and I the column's type. */
function typeOf(tag: BioTag): number {
  return tag === 'O' ? 0 : 1;
}

/**
 * One level, the whole corpus in order: `gold[s]` and `guessed[s]` are the tags of sentence s.
 * Writes tp/guessed/gold of each sentence to `out[s * stride + offset + ...]`.
 */
function scoreLevel(
  gold: readonly (readonly BioTag[])[],
  guessed: readonly (readonly BioTag[])[],
  out: Float64Array,
  stride: number,
  offset: number,
): void {
  let lastGold: BioTag = 'O';
  let lastGuessed: BioTag = 'O';
  let inCorrect = false;
  let correctStartSentence = -1;
  for (let s = 0; s < gold.length; s++) {
    const goldTags = gold[s];
    const guessedTags = guessed[s];
    const row = s * stride + offset;
    for (let t = 0; t < goldTags.length; t++) {
      const g = goldTags[t];
      const p = guessedTags[t];
      if (inCorrect) {
        const goldEnds = endOfChunk(lastGold, g);
        const guessedEnds = endOfChunk(lastGuessed, p);
        if (goldEnds && guessedEnds) {
          inCorrect = false;
          out[correctStartSentence * stride + offset + TP] += 1;
        } else if (goldEnds !== guessedEnds || typeOf(g) !== typeOf(p)) {
          inCorrect = false;
        }
      }
      const goldStarts = startOfChunk(lastGold, g);
      const guessedStarts = startOfChunk(lastGuessed, p);
      if (goldStarts && guessedStarts && typeOf(g) === typeOf(p)) {
        inCorrect = true;
        correctStartSentence = s;
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
  LABELS.forEach((label, level) => {
    scoreLevel(
      gold.map((layers) => layers[label]),
      guessed.map((layers) => layers[label]),
      out,
      stride,
      offset + level * 3,
    );
  });
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
  let tp = 0;
  let guessed = 0;
  let gold = 0;
  LABELS.forEach((label, i) => {
    if (level !== 'combined' && level !== label) return;
    tp += counts[offset + i * 3 + TP];
    guessed += counts[offset + i * 3 + GUESSED];
    gold += counts[offset + i * 3 + GOLD];
  });
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
