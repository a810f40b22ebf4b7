import type * as tf from '@tensorflow/tfjs';
import type { Label, Span } from '../../harness/data/types.ts';
import {
  type CharSpanEntity,
  type DecodeOptions,
  decodeExample,
  type ExampleLogits,
  toCharEntities,
} from './decode.ts';
import { buildBatch, type GlinerBatch } from './inputs.ts';
import type { GlinerModel } from './model.ts';
import { GLINER_LABELS } from './skillspan.ts';
import { splitWords, type Word } from './words.ts';

/** One text's words and its own logits rows [words, K, C] (kept so that any threshold can be decoded later). */
export interface TextLogits {
  text: string;
  words: Word[];
  logits: ExampleLogits;
}

/**
 * Logits of texts in batches of batchSize (texts of similar length together; results in input
 * order). Words are GLiNER's regex split of each text (max_len at most), or the given words.
 */
export async function* textLogits(
  model: GlinerModel,
  texts: readonly string[],
  labels: readonly string[],
  batchSize: number,
  signal?: AbortSignal,
): AsyncGenerator<{ index: number; result: TextLogits }> {
  const words = texts.map((text) => splitWords(text, model.config.max_len));
  for (const { indices: chunk, batch } of inferenceBatches(model, words, labels, batchSize)) {
    signal?.throwIfAborted();
    const logits = model.logits(batch);
    const data = (await logits.data()) as Float32Array;
    logits.dispose();
    const { words: L, width: K, classes: C } = batch;
    for (const [b, i] of chunk.entries()) {
      const n = words[i].length;
      const rows = data.slice(b * L * K * C, (b * L + n) * K * C);
      yield {
        index: i,
        result: { text: texts[i], words: words[i], logits: { data: rows, words: n, width: K, classes: C } },
      };
    }
  }
}

/** Batches of texts' words, shortest first (similar lengths share a batch), with their positions. */
export function* inferenceBatches(
  model: Pick<GlinerModel, 'tokenizer' | 'settings'>,
  words: readonly Word[][],
  labels: readonly string[],
  batchSize: number,
): Generator<{ indices: number[]; batch: GlinerBatch }> {
  const order = words.map((_, i) => i).sort((a, b) => words[a].length - words[b].length);
  for (let from = 0; from < order.length; from += batchSize) {
    const indices = order.slice(from, from + batchSize);
    const items = indices.map((i) => ({ words: words[i].map((w) => w.text), classes: labels }));
    yield { indices, batch: buildBatch(items, model.tokenizer, model.settings) };
  }
}

/** GLiNER's batch_predict_entities output for one decoded text. */
export function entitiesOf(
  result: TextLogits,
  labels: readonly string[],
  options: DecodeOptions,
): CharSpanEntity[] {
  const spans = decodeExample(result.logits, result.words.length, labels, options);
  return toCharEntities(result.text, result.words, spans);
}

/**
 * `batch_predict_entities` as v0.2.9 runs it: all texts in one batch (L = most words), logits
 * [B, L, K, C] exactly as the model returns them, and the decoded entities per text.
 */
export async function batchPredictEntities(
  model: GlinerModel,
  texts: readonly string[],
  labels: readonly string[],
  options: DecodeOptions,
): Promise<{ logits: { shape: number[]; data: Float32Array }; entities: CharSpanEntity[][] }> {
  const classes = [...new Set(labels)];
  const words = texts.map((text) => splitWords(text, model.config.max_len));
  const batch = buildBatch(
    words.map((w) => ({ words: w.map((x) => x.text), classes })),
    model.tokenizer,
    model.settings,
  );
  const logits: tf.Tensor4D = model.logits(batch);
  const data = (await logits.data()) as Float32Array;
  const shape = logits.shape;
  logits.dispose();
  const [, L, K, C] = shape;
  const entities = texts.map((text, b) =>
    entitiesOf(
      {
        text,
        words: words[b],
        logits: { data: data.subarray(b * L * K * C, (b + 1) * L * K * C), words: L, width: K, classes: C },
      },
      classes,
      options,
    ),
  );
  return { logits: { shape, data }, entities };
}

const HARNESS_LABEL = new Map<string, Label>(
  Object.entries(GLINER_LABELS).map(([label, name]) => [name, label as Label]),
);

/**
 * Character entities of the space-joined sentence back to harness token spans (end exclusive):
 * each entity covers the tokens its first and last characters fall in. GLiNER's regex words can
 * be smaller than SkillSpan tokens (`m/f/d`, `C++`), so an entity on part of a token becomes the
 * whole token. Labels other than Skill and Knowledge are dropped.
 */
export function tokenSpans(tokens: readonly string[], entities: readonly CharSpanEntity[]): Span[] {
  const starts: number[] = [];
  let offset = 0;
  for (const token of tokens) {
    starts.push(offset);
    offset += Array.from(token).length + 1;
  }
  const tokenAt = (char: number) => {
    let k = 0;
    while (k + 1 < starts.length && starts[k + 1] <= char) k++;
    return k;
  };
  const spans: Span[] = [];
  for (const entity of entities) {
    const label = HARNESS_LABEL.get(entity.label);
    if (!label) continue;
    spans.push({ label, start: tokenAt(entity.start), end: tokenAt(entity.end - 1) + 1 });
  }
  return spans;
}
