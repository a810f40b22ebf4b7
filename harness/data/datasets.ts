import { existsSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { InputError } from '../util/errors.ts';
import { sha256File } from '../util/hash.ts';
import { projectPath } from '../util/paths.ts';
import { readSkillSpanConll, readSkillSpanJsonl } from './skillspan.ts';
import type { Sentence } from './types.ts';

export const SKILLSPAN_SPLITS = ['train', 'dev', 'test'] as const;
export type SkillSpanSplit = (typeof SKILLSPAN_SPLITS)[number];

/** The SkillSpan public splits bundled in data/skillspan (MIT, see its README). */
export function bundledSplitPath(split: SkillSpanSplit): string {
  return projectPath('data', 'skillspan', `${split}.jsonl`);
}

export interface ResolvedDataset {
  /** what the user wrote: `skillspan:test` or a path */
  ref: string;
  /** the sentence id prefix: the split name, or the file's stem */
  name: string;
  path: string;
  format: 'jsonl' | 'conll';
}

/** `skillspan:train|dev|test` -> the bundled file; anything else is a path (.jsonl, .json or CoNLL). */
export function resolveDataset(ref: string, baseDir = process.cwd()): ResolvedDataset {
  const bundled = /^skillspan:(.+)$/.exec(ref);
  if (bundled) {
    const split = bundled[1];
    if (!(SKILLSPAN_SPLITS as readonly string[]).includes(split)) {
      throw new InputError(`unknown SkillSpan split "${split}" (expected ${SKILLSPAN_SPLITS.join(', ')})`);
    }
    return { ref, name: split, path: bundledSplitPath(split as SkillSpanSplit), format: 'jsonl' };
  }
  const path = resolve(baseDir, ref);
  if (!existsSync(path)) throw new InputError('no such dataset file', ref);
  const extension = extname(path).toLowerCase();
  const format = extension === '.jsonl' || extension === '.json' ? 'jsonl' : 'conll';
  return { ref, name: basename(path, extname(path)), path, format };
}

const loaded = new Map<string, { hash: string; sentences: Sentence[] }>();

/** Loads (and caches per process) a dataset; the hash is of the file's bytes. */
export function loadDataset(
  ref: string,
  baseDir?: string,
): { dataset: ResolvedDataset; sentences: Sentence[]; hash: string } {
  const dataset = resolveDataset(ref, baseDir);
  const key = `${dataset.path}\0${dataset.name}`;
  let entry = loaded.get(key);
  if (!entry) {
    const sentences =
      dataset.format === 'jsonl'
        ? readSkillSpanJsonl(dataset.path, dataset.name)
        : readSkillSpanConll(dataset.path, dataset.name);
    entry = { hash: sha256File(dataset.path), sentences };
    loaded.set(key, entry);
  }
  return { dataset, sentences: entry.sentences, hash: entry.hash };
}
