/**
 * Reads a prediction file and validates it against the gold it predicts. Two JSONL forms, one
 * line per gold sentence, in gold order (fixtures/eval-vectors/README.md):
 * - spans: {"spans":[{"label":"SKILL"|"KNOWLEDGE","start":i,"end":j}]} with `end` INCLUSIVE;
 * - BIO:   {"tags_skill":[...],"tags_knowledge":[...]} (B/I/O, typed forms such as B-Skill too).
 * Optional "idx" and "tokens" must agree with the gold; other keys (e.g. "source") are ignored.
 * Every problem is an InputError naming the file and the line.
 */
import { z } from 'zod';
import {
  type BioLayers,
  type BioTag,
  isLabel,
  PREDICTION_ISSUE_KINDS,
  type Prediction,
  type Sentence,
  type Span,
} from '../data/types.ts';
import { layersToSpans, parseBioTag } from '../spans/bio.ts';
import { InputError } from '../util/errors.ts';
import { type JsonlLine, streamJsonl } from '../util/jsonl.ts';

const predictionLine = z.object({
  idx: z.number().int().optional(),
  tokens: z.array(z.string()).optional(),
  spans: z.array(z.object({ label: z.string(), start: z.number().int(), end: z.number().int() })).optional(),
  tags_skill: z.array(z.string()).optional(),
  tags_knowledge: z.array(z.string()).optional(),
  raw: z.string().optional(),
  issues: z
    .array(z.object({ kind: z.enum(PREDICTION_ISSUE_KINDS), detail: z.string().optional() }))
    .optional(),
});
type PredictionLine = z.infer<typeof predictionLine>;

/** Thrown inside one line's checks; the caller adds the file and the line number. */
class LineProblem extends Error {}

function checkAgainstGold(row: PredictionLine, sentence: Sentence): void {
  if (row.idx !== undefined && row.idx !== sentence.docId) {
    throw new LineProblem(
      `idx ${row.idx} disagrees with the gold sentence ${sentence.id} (idx ${sentence.docId})`,
    );
  }
  if (row.tokens !== undefined) {
    if (row.tokens.length !== sentence.tokens.length) {
      throw new LineProblem(
        `${row.tokens.length} tokens but the gold sentence ${sentence.id} has ${sentence.tokens.length}`,
      );
    }
    const at = row.tokens.findIndex((token, i) => token !== sentence.tokens[i]);
    if (at >= 0) {
      throw new LineProblem(
        `tokens[${at}] is ${JSON.stringify(row.tokens[at])} but the gold sentence ${sentence.id} has ${JSON.stringify(sentence.tokens[at])}`,
      );
    }
  }
}

/** Span lines: inclusive ends in the file, exclusive inside the code. Order is kept (nervaluate). */
function spansOf(raw: NonNullable<PredictionLine['spans']>, length: number): Span[] {
  return raw.map((span, i) => {
    const where = `spans[${i}]`;
    if (!isLabel(span.label)) {
      throw new LineProblem(
        `${where}: unknown label ${JSON.stringify(span.label)} (expected SKILL or KNOWLEDGE)`,
      );
    }
    if (span.start < 0 || span.end >= length) {
      throw new LineProblem(
        `${where}: [${span.start}, ${span.end}] is out of range for ${length} tokens (end is inclusive: at most ${length - 1})`,
      );
    }
    if (span.end < span.start) throw new LineProblem(`${where}: end ${span.end} < start ${span.start}`);
    return { label: span.label, start: span.start, end: span.end + 1 };
  });
}

function tagsOf(raw: readonly string[], layer: 'SKILL' | 'KNOWLEDGE', length: number): BioTag[] {
  const key = `tags_${layer.toLowerCase()}`;
  if (raw.length !== length) {
    throw new LineProblem(`${key} has ${raw.length} tags but the sentence has ${length} tokens`);
  }
  return raw.map((value, i) => {
    const tag = parseBioTag(value);
    if (!tag) throw new LineProblem(`${key}[${i}]: ${JSON.stringify(value)} is not a BIO tag (B, I or O)`);
    // a typed tag (B-Skill, I-KNOWLEDGE) must be of its layer's type
    const type = value.trim().slice(2).toUpperCase();
    if (tag !== 'O' && type !== '' && type !== layer) {
      throw new LineProblem(
        `${key}[${i}]: ${JSON.stringify(value)} is a ${type} tag in the ${layer} layer (${key} holds ${layer} tags only)`,
      );
    }
    return tag;
  });
}

function predictionOf(row: PredictionLine, sentence: Sentence): Prediction {
  checkAgainstGold(row, sentence);
  const hasTags = row.tags_skill !== undefined || row.tags_knowledge !== undefined;
  if (row.spans !== undefined && hasTags) {
    throw new LineProblem('has both "spans" and BIO tags; give one of them');
  }
  const prediction: Prediction = { id: sentence.id, spans: [] };
  if (row.spans !== undefined) {
    prediction.spans = spansOf(row.spans, sentence.tokens.length);
  } else if (row.tags_skill !== undefined && row.tags_knowledge !== undefined) {
    const bio: BioLayers = {
      SKILL: tagsOf(row.tags_skill, 'SKILL', sentence.tokens.length),
      KNOWLEDGE: tagsOf(row.tags_knowledge, 'KNOWLEDGE', sentence.tokens.length),
    };
    prediction.bio = bio;
    prediction.spans = layersToSpans(bio);
  } else {
    throw new LineProblem(
      hasTags
        ? 'BIO predictions need both "tags_skill" and "tags_knowledge"'
        : 'expected "spans" or "tags_skill" and "tags_knowledge"',
    );
  }
  if (row.raw !== undefined) prediction.raw = row.raw;
  if (row.issues !== undefined) prediction.issues = row.issues;
  return prediction;
}

/**
 * Validates JSONL lines against the gold (one line per gold sentence, in order) as they come: a
 * file with more lines than the gold fails at the first line too many, without reading the rest.
 */
export function predictionsFromLines(
  lines: Iterable<JsonlLine>,
  gold: readonly Sentence[],
  path: string,
): Prediction[] {
  const predictions: Prediction[] = [];
  let last = 0;
  for (const { line, value } of lines) {
    last = line;
    if (predictions.length === gold.length) {
      throw new InputError(
        `more prediction lines than the gold's ${gold.length} sentences (one line per sentence, in gold order)`,
        path,
        line,
      );
    }
    const parsed = predictionLine.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(`${issue.path.join('.') || 'line'}: ${issue.message}`, path, line);
    }
    try {
      predictions.push(predictionOf(parsed.data, gold[predictions.length]));
    } catch (error) {
      if (error instanceof LineProblem) throw new InputError(error.message, path, line);
      throw error;
    }
  }
  if (predictions.length < gold.length) {
    throw new InputError(
      `${predictions.length} prediction lines but the gold has ${gold.length} sentences (one line per sentence, in gold order)`,
      path,
      last + 1,
    );
  }
  return predictions;
}

/** Reads and validates a prediction file (span or BIO JSONL) for the given gold sentences, streaming it. */
export function readPredictionFile(path: string, gold: readonly Sentence[]): Prediction[] {
  return predictionsFromLines(streamJsonl(path), gold, path);
}
