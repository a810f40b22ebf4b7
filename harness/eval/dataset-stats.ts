/**
 * `skillbench data stats`: sentences, tokens and spans per split, per source and per label.
 * Two span counts, because they differ: "spans" are conlleval chunks (an orphan I opens a span:
 * what every scorer here counts, test SKILL 1091) and "B tags" are the IOB2 B tags in the file
 * (what data/skillspan/README.md and Table 1 of the Skill-LLM paper count, test SKILL 1090).
 */
import { readFileSync } from 'node:fs';
import { loadDataset, type ResolvedDataset } from '../data/datasets.ts';
import { LABELS, type Label, type Sentence } from '../data/types.ts';
import { parseBioTag } from '../spans/bio.ts';
import { readJsonl } from '../util/jsonl.ts';

export interface StatsBlock {
  sentences: number;
  tokens: number;
  /** conlleval chunks per label */
  spans: Record<Label, number>;
  /** IOB2 B tags per label */
  b_tags: Record<Label, number>;
}

export interface SplitStats extends StatsBlock {
  /** what was asked for: `skillspan:test` or a path */
  ref: string;
  name: string;
  /** documents: runs of consecutive sentences sharing idx */
  documents: number;
  by_source: Record<string, StatsBlock>;
}

function emptyBlock(): StatsBlock {
  const zero = () => Object.fromEntries(LABELS.map((label) => [label, 0])) as Record<Label, number>;
  return { sentences: 0, tokens: 0, spans: zero(), b_tags: zero() };
}

/** B tags per sentence and label, read from the file's own tags (the Sentence keeps only spans). */
export function bTagsPerSentence(dataset: ResolvedDataset): Record<Label, number>[] {
  const count = (tags: readonly unknown[]) => tags.filter((tag) => parseBioTag(String(tag)) === 'B').length;
  if (dataset.format === 'jsonl') {
    return readJsonl(dataset.path).map(({ value }) => {
      const row = value as { tags_skill: unknown[]; tags_knowledge: unknown[] };
      return { SKILL: count(row.tags_skill), KNOWLEDGE: count(row.tags_knowledge) };
    });
  }
  // CoNLL: the same sentence splitting as readSkillSpanConll (blank lines; # lines are comments).
  const perSentence: Record<Label, number>[] = [];
  let current: Record<Label, number> | undefined;
  for (const raw of readFileSync(dataset.path, 'utf8').split('\n')) {
    const row = raw.replace(/\r$/, '');
    if (row.trim() === '') {
      current = undefined;
      continue;
    }
    if (row.startsWith('#')) continue;
    if (!current) {
      current = { SKILL: 0, KNOWLEDGE: 0 };
      perSentence.push(current);
    }
    const columns = row.split('\t');
    if (parseBioTag(columns[1] ?? '') === 'B') current.SKILL++;
    if (parseBioTag(columns[2] ?? '') === 'B') current.KNOWLEDGE++;
  }
  return perSentence;
}

function addSentence(block: StatsBlock, sentence: Sentence, bTags: Record<Label, number>): void {
  block.sentences++;
  block.tokens += sentence.tokens.length;
  for (const span of sentence.spans) block.spans[span.label]++;
  for (const label of LABELS) block.b_tags[label] += bTags[label];
}

export function splitStats(ref: string): SplitStats {
  const { dataset, sentences } = loadDataset(ref);
  const bTags = bTagsPerSentence(dataset);
  const total = emptyBlock();
  const bySource: Record<string, StatsBlock> = {};
  let documents = 0;
  sentences.forEach((sentence, i) => {
    if (i === 0 || sentence.docId !== sentences[i - 1].docId) documents++;
    addSentence(total, sentence, bTags[i]);
    bySource[sentence.source] ??= emptyBlock();
    addSentence(bySource[sentence.source], sentence, bTags[i]);
  });
  const sortedSources = Object.fromEntries(Object.entries(bySource).sort(([a], [b]) => a.localeCompare(b)));
  return { ref, name: dataset.name, documents, ...total, by_source: sortedSources };
}
