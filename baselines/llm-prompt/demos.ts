/**
 * Demonstrations: the pool they come from (a fixed id list, or a seeded sample of train sentences
 * under 200 tokens, as the original filtered), and the three ways of choosing k positives + k
 * negatives from it for a test sentence.
 */
import { readFileSync } from 'node:fs';
import type { Label, Sentence } from '../../harness/data/types.ts';
import { mulberry32, type Random } from '../../harness/eval/prng.ts';
import type { LlmClient } from '../../harness/llm/client.ts';
import { resolvePath } from '../../harness/llm/config.ts';
import { sha256 } from '../../harness/util/hash.ts';
import type { LlmPromptParams } from './params.ts';
import { TfidfIndex } from './tfidf.ts';

/** The original dropped train sentences this long before sampling. */
const MAX_DEMO_TOKENS = 200;

export function shuffle<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Ids from a JSON file (an array, or `{ ids }`); numbers are lines of the train split. */
function readTrainIds(path: string): string[] {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  const list = Array.isArray(parsed) ? parsed : (parsed as { ids?: unknown })?.ids;
  if (!Array.isArray(list))
    throw new Error(`${path}: expected a JSON array of train ids or { "ids": [...] }`);
  return list.map((id) => (typeof id === 'number' ? `train:${id}` : String(id)));
}

function pick(train: readonly Sentence[], ids: readonly string[], file: string): Sentence[] {
  const byId = new Map(train.map((sentence) => [sentence.id, sentence]));
  return ids.map((id) => {
    const sentence = byId.get(id);
    if (!sentence) throw new Error(`${file}: ${id} is not a sentence of the train split`);
    return sentence;
  });
}

/** The sentences demonstrations are drawn from, in pool order. */
export function demoPool(
  train: readonly Sentence[],
  params: LlmPromptParams,
  baseDir: string,
  seed: number,
): Sentence[] {
  if (params.pool_file) {
    const path = resolvePath(params.pool_file, baseDir);
    return pick(train, readTrainIds(path), path);
  }
  const eligible = train.filter((sentence) => sentence.tokens.length < MAX_DEMO_TOKENS);
  return shuffle(eligible, mulberry32(seed)).slice(0, params.pool_size);
}

const hasLabel = (sentence: Sentence, label: Label) => sentence.spans.some((span) => span.label === label);

/** Chooses the demonstrations of each test sentence for one layer (label). */
export type DemoChooser = (test: Sentence) => Sentence[] | Promise<Sentence[]>;

/** Pool indices by falling similarity to a test sentence (ties in pool order). */
export type Ranker = (test: Sentence) => number[] | Promise<number[]>;

export function tfidfRanker(pool: readonly Sentence[]): Ranker {
  const index = new TfidfIndex(pool.map((sentence) => sentence.tokens));
  return (test) => index.ranked(test.tokens);
}

/** Cosine similarity of embeddings of the space-joined sentences (every vector cached in the store). */
export async function embeddingRanker(pool: readonly Sentence[], client: LlmClient): Promise<Ranker> {
  const unit = (vector: number[]) => {
    const norm = Math.hypot(...vector) || 1;
    return vector.map((value) => value / norm);
  };
  const poolVectors = (await client.embed(pool.map((sentence) => sentence.tokens.join(' ')))).map(unit);
  return async (test) => {
    const [query] = (await client.embed([test.tokens.join(' ')])).map(unit);
    return poolVectors
      .map((vector, index) => ({ index, dot: vector.reduce((sum, value, i) => sum + value * query[i], 0) }))
      .sort((a, b) => b.dot - a.dot || a.index - b.index)
      .map((entry) => entry.index);
  };
}

export function demoChooser(
  pool: readonly Sentence[],
  train: readonly Sentence[],
  params: LlmPromptParams,
  label: Label,
  baseDir: string,
  seed: number,
  ranker: Ranker,
): DemoChooser {
  const k = params.shots;
  const positives = pool.filter((sentence) => hasLabel(sentence, label));
  const negatives = pool.filter((sentence) => !hasLabel(sentence, label));
  if (params.demos === 'random' && params.demo_file) {
    const path = resolvePath(params.demo_file, baseDir);
    const fixed = pick(train, readTrainIds(path), path);
    return () => fixed;
  }
  if (params.demos === 'random' || params.demos === 'positives-only') {
    const random = mulberry32(seed);
    const chosen =
      params.demos === 'random'
        ? [...shuffle(positives, random).slice(0, k), ...shuffle(negatives, random).slice(0, k)]
        : shuffle(positives, random).slice(0, 2 * k);
    const fixed = shuffle(chosen, random);
    return () => fixed;
  }
  return async (test) => {
    const nearest: Sentence[] = [];
    let positive = 0;
    let negative = 0;
    for (const i of await ranker(test)) {
      const sentence = pool[i];
      if (sentence.id === test.id) continue;
      if (hasLabel(sentence, label) ? positive++ < k : negative++ < k) nearest.push(sentence);
      if (positive >= k && negative >= k) break;
    }
    // the original shuffled each sentence's demonstrations; seeded per sentence so reruns agree
    return shuffle(nearest, mulberry32(seed ^ Number.parseInt(sha256(test.id).slice(0, 8), 16)));
  };
}
