/**
 * What a run sees of a split: the sentences of a sentence-id subset file (the GPT-4 row's 350
 * test sentences), the first `limit` of them, and the gold restricted to some labels (the GPT
 * rows scored SKILL only). The runner and the report both load splits through here, so a row's
 * scores, CIs and significance tests all use the same sentences and gold.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { DatasetBinding } from '../tracking/types.ts';
import { InputError } from '../util/errors.ts';
import { sha256 } from '../util/hash.ts';
import type { Sentence } from './types.ts';

const subsetFile = z.union([
  z.array(z.union([z.number().int().nonnegative(), z.string().min(1)])),
  z.object({ ids: z.array(z.union([z.number().int().nonnegative(), z.string().min(1)])) }).loose(),
]);

/**
 * Reads a sentence-id subset file: a JSON array, or an object with an `ids` array. A number is a
 * 0-based line of the split (`test:977`), a string a sentence id as is.
 */
export function readSubsetFile(path: string, split: string): { ids: Set<string>; hash: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(`no such subset file: ${path}`);
  }
  const parsed = subsetFile.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new InputError(
      `${path}: a subset file is a JSON array of sentence ids or line numbers, or { "ids": [...] }`,
    );
  }
  const list = Array.isArray(parsed.data) ? parsed.data : parsed.data.ids;
  return {
    ids: new Set(list.map((id) => (typeof id === 'number' ? `${split}:${id}` : id))),
    hash: sha256(text),
  };
}

/** Applies a binding's subset, limit and labels to the split's sentences (in file order). */
export function viewOfSplit(sentences: Sentence[], binding: DatasetBinding, split: string): Sentence[] {
  let view = sentences;
  if (binding.subset) {
    const { ids, hash } = readSubsetFile(binding.subset.path, split);
    if (hash !== binding.subset.hash) {
      throw new Error(
        `subset file ${binding.subset.ref} changed since the run was planned (hash ${hash.slice(0, 12)} != ${binding.subset.hash.slice(0, 12)})`,
      );
    }
    view = view.filter((sentence) => ids.has(sentence.id));
  }
  if (binding.limit !== undefined) view = view.slice(0, binding.limit);
  const labels = binding.labels;
  if (labels)
    view = view.map((sentence) => ({
      ...sentence,
      spans: sentence.spans.filter((span) => labels.includes(span.label)),
    }));
  return view;
}
