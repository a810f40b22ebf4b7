import type { BioTag } from '../../harness/data/types.ts';
import { B, I, O, TAG_COUNT, TAGS } from './tags.ts';

/**
 * The best BIO-valid tag sequence of one layer under per-word scores (log-probabilities,
 * [words x 3] as O, B, I). The constraint is the only coupling between words (no learned
 * transitions, unlike a CRF): I may follow only B or I of the same layer, and a sentence may not
 * start with I. Each layer is decoded on its own, so "the same layer" holds by construction.
 */
export function viterbiBio(scores: Float32Array | number[], words: number): BioTag[] {
  if (words === 0) return [];
  const best = new Float64Array(words * TAG_COUNT);
  const back = new Int8Array(words * TAG_COUNT);
  best[O] = scores[O];
  best[B] = scores[B];
  best[I] = Number.NEGATIVE_INFINITY;
  for (let w = 1; w < words; w++) {
    const prev = (w - 1) * TAG_COUNT;
    const here = w * TAG_COUNT;
    // O and B may follow anything.
    const bestPrev = argmax3(best[prev + O], best[prev + B], best[prev + I]);
    for (const tag of [O, B]) {
      best[here + tag] = best[prev + bestPrev] + scores[here + tag];
      back[here + tag] = bestPrev;
    }
    // I follows B or I only.
    const fromIn = best[prev + I] > best[prev + B] ? I : B;
    best[here + I] = best[prev + fromIn] + scores[here + I];
    back[here + I] = fromIn;
  }
  const last = (words - 1) * TAG_COUNT;
  let tag = argmax3(best[last + O], best[last + B], best[last + I]);
  const tags: BioTag[] = new Array(words);
  for (let w = words - 1; w >= 0; w--) {
    tags[w] = TAGS[tag];
    tag = back[w * TAG_COUNT + tag];
  }
  return tags;
}

/** index of the largest of three; ties go to the earliest (O before B before I) */
function argmax3(o: number, b: number, i: number): number {
  if (o >= b && o >= i) return O;
  return b >= i ? B : I;
}
