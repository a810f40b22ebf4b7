import type { BioTag, Label } from '../../harness/data/types.ts';

/**
 * One BIO head per layer, packed into one classifier: layer j owns columns 3j (O), 3j+1 (B),
 * 3j+2 (I). A single Linear with 3 x layers outputs computes exactly what separate heads would,
 * and keeps the saved folder a plain BertForTokenClassification.
 */
export const TAGS: readonly BioTag[] = ['O', 'B', 'I'];
export const TAG_COUNT = TAGS.length;
export const O = 0;
export const B = 1;
export const I = 2;

export function tagIndex(tag: BioTag): number {
  return tag === 'O' ? O : tag === 'B' ? B : I;
}

/** id2label for the saved config.json: `SKILL:O`, `SKILL:B`, ... */
export function labelNames(layers: readonly Label[]): Record<string, string> {
  const names: Record<string, string> = {};
  layers.forEach((layer, j) => {
    TAGS.forEach((tag, t) => {
      names[String(j * TAG_COUNT + t)] = `${layer}:${tag}`;
    });
  });
  return names;
}
