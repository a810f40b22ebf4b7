import type { Rng } from '../neural/rng.ts';
import type { GlinerExample } from './skillspan.ts';

/**
 * v0.2.9's per-item entity-type sampling in training (GLiNERDataset + SpanProcessor): the
 * "negatives" are a random permutation of every type in the dataset; with probability
 * 1 / (max_neg_type_ratio + 1) there are none, otherwise the first len(ner) * ratio of them.
 * The item's types are its own gold types plus those negatives, without duplicates, shuffled,
 * at most max_types. So a Skill-only sentence often sees no Knowledge negative at all.
 */
export function sampleTypes(
  example: GlinerExample,
  allTypes: readonly string[],
  rng: Rng,
  settings: { maxNegTypeRatio: number; maxTypes: number },
): string[] {
  const negatives = rng.shuffle([...allTypes]);
  const ratio = settings.maxNegTypeRatio > 0 ? rng.int(settings.maxNegTypeRatio + 1) : 0;
  const chosen = ratio > 0 ? negatives.slice(0, example.ner.length * ratio) : [];
  const types = [...new Set([...example.ner.map(([, , label]) => label), ...chosen])];
  return rng.shuffle(types).slice(0, settings.maxTypes);
}

/** Every entity type of the dataset, in order of first appearance. */
export function datasetTypes(examples: readonly GlinerExample[]): string[] {
  return [...new Set(examples.flatMap((e) => e.ner.map(([, , label]) => label)))];
}
