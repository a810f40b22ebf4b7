import { LABELS } from '../../harness/data/types.ts';
import { answerItem } from './format.ts';

/**
 * spans: each skill_span one of the sentence's contiguous token spans up to spanWidth tokens, its
 * context the span with its real neighbours (the marker at the edges), so the answer is valid
 * JSON whose every span is in the sentence; json: the answer's shape only; free: no constraint.
 */
export type Decoding = 'spans' | 'json' | 'free';

export interface SchemaOptions {
  marker: string;
  /** longest span offered, in tokens */
  spanWidth: number;
  /** most items per label */
  maxItems: number;
}

/** A JSON schema in the subset both node-llama-cpp's grammar builder and vLLM-style servers read. */
export type JsonSchema = Record<string, unknown>;

function answerObject(items: JsonSchema, maxItems: number): JsonSchema {
  const list = { type: 'array', items, maxItems };
  return {
    type: 'object',
    properties: Object.fromEntries(LABELS.map((label) => [label, list])),
    required: [...LABELS],
    additionalProperties: false,
  };
}

function itemObject(skillSpan: JsonSchema, context: JsonSchema): JsonSchema {
  return {
    type: 'object',
    properties: { skill_span: skillSpan, context },
    required: ['skill_span', 'context'],
    additionalProperties: false,
  };
}

/** The item alternatives of a sentence for `spans` decoding (each distinct pair once). */
export function spanItems(tokens: readonly string[], options: Omit<SchemaOptions, 'maxItems'>) {
  const seen = new Set<string>();
  const items: { skill_span: string; context: string }[] = [];
  for (let start = 0; start < tokens.length; start++) {
    for (let end = start + 1; end <= Math.min(tokens.length, start + options.spanWidth); end++) {
      const item = answerItem(tokens, { start, end }, options.marker);
      const key = `${item.skill_span}\u0000${item.context}`;
      if (seen.has(key)) continue;
      seen.add(key);
      items.push(item);
    }
  }
  return items;
}

/** The answer's JSON schema for a sentence under a decoding (undefined for free decoding). */
export function answerSchema(
  tokens: readonly string[],
  decoding: Decoding,
  options: SchemaOptions,
): JsonSchema | undefined {
  if (decoding === 'free') return undefined;
  if (decoding === 'json')
    return answerObject(itemObject({ type: 'string' }, { type: 'string' }), options.maxItems);
  const alternatives = spanItems(tokens, options).map((item) =>
    itemObject({ const: item.skill_span }, { const: item.context }),
  );
  return answerObject({ oneOf: alternatives }, options.maxItems);
}

// The longest whitespace node-llama-cpp's JSON grammar allows at one place (a newline and the
// indentation of the deepest scope used here), and a generous count of such places per item and
// per answer: used only for an upper bound.
const WHITESPACE_BYTES = 17;
const WHITESPACE_PER_ITEM = 8;
const WHITESPACE_PER_ANSWER = 12;
// four newlines end a JSON-schema grammar's answer
const GRAMMAR_END_BYTES = 4;

/**
 * An upper bound, in bytes and so in tokens (every token covers at least one byte), of the
 * longest answer `spans` decoding can produce for a sentence: the budget that guarantees that no
 * answer is cut.
 */
export function longestSpansAnswerBytes(tokens: readonly string[], options: SchemaOptions): number {
  const bytes = (text: string) => Buffer.byteLength(JSON.stringify(text));
  let longestItem = 0;
  for (const item of spanItems(tokens, options)) {
    longestItem = Math.max(longestItem, bytes(item.skill_span) + bytes(item.context));
  }
  const itemBytes =
    longestItem + '{"skill_span": , "context": }, '.length + WHITESPACE_PER_ITEM * WHITESPACE_BYTES;
  const perLabel = '"KNOWLEDGE": [], '.length + options.maxItems * itemBytes;
  return LABELS.length * perLabel + 2 + WHITESPACE_PER_ANSWER * WHITESPACE_BYTES + GRAMMAR_END_BYTES;
}
