import type { Label, Sentence, Span } from '../../harness/data/types.ts';
import { LABELS } from '../../harness/data/types.ts';
import { mulberry32 } from '../../harness/eval/prng.ts';
import { htmlUnescape } from '../../harness/util/python/html-unescape.ts';
import { pythonJsonDumps, pythonStrip } from '../../harness/util/python/text.ts';

/**
 * The Skill-LLM data format, as the authors' released preprocessing (src/preprocessing/
 * prepare_data.py of herandy/Skill-LLM) produces it; docs in baselines/skill-llm/README.md.
 */

/** What the released code wraps around each sentence (the paper's text says "***"). */
export const DEFAULT_MARKER = '**';

/**
 * Two phrasings of the task (our own wording; the released code also has two). Training examples
 * draw one at random (seeded); inference uses the first.
 */
export const DEFAULT_INSTRUCTIONS = [
  'You extract information from job postings. List the skill entities and the knowledge entities that appear in the sentence below.',
  'Find the skills and the knowledge mentioned in this sentence.',
] as const;

export interface AnswerItem {
  skill_span: string;
  context: string;
}

/** The answer object: one list per label, SKILL first. */
export type Answer = Record<Label, AnswerItem[]>;

export interface FormatOptions {
  /** boundary marker (default "**") */
  marker: string;
}

/** The model's input: the sentence between two markers, html entities unescaped. */
export function sentenceInput(tokens: readonly string[], options: FormatOptions): string {
  return `${options.marker} ${htmlUnescape(pythonStrip(tokens.join(' ')))} ${options.marker}`;
}

/**
 * One answer item: the span's text and its context (the token before, the span, the token after;
 * the marker where the sentence ends), html entities unescaped.
 */
export function answerItem(
  tokens: readonly string[],
  span: Pick<Span, 'start' | 'end'>,
  marker: string,
): AnswerItem {
  const text = tokens.slice(span.start, span.end).join(' ');
  const before = span.start === 0 ? marker : tokens[span.start - 1];
  const after = span.end >= tokens.length ? marker : tokens[span.end];
  return { skill_span: htmlUnescape(text), context: htmlUnescape(`${before} ${text} ${after}`) };
}

/** The gold answer of a sentence: its spans per label in gold order. */
export function goldAnswer(sentence: Pick<Sentence, 'tokens' | 'spans'>, options: FormatOptions): Answer {
  const answer = Object.fromEntries(LABELS.map((label) => [label, [] as AnswerItem[]])) as Answer;
  for (const span of sentence.spans)
    answer[span.label].push(answerItem(sentence.tokens, span, options.marker));
  return answer;
}

/** An answer as the released code serialises it: Python's json.dumps, ensure_ascii=False. */
export function serializeAnswer(answer: Answer): string {
  return pythonJsonDumps(answer);
}

/** One record as LLaMA-Factory's alpaca format reads it. */
export interface SkillLlmRecord {
  instruction: string;
  input: string;
  output: string;
}

export interface RecordOptions extends FormatOptions {
  instructions: readonly string[];
  /** training records draw their instruction with this seed; others use the first instruction */
  seed?: number;
}

/**
 * The records of a split. With a seed (training data), each record's instruction is drawn from
 * `instructions`; without one (inference), every record gets the first instruction.
 */
export function splitRecords(sentences: readonly Sentence[], options: RecordOptions): SkillLlmRecord[] {
  if (options.instructions.length === 0) throw new Error('at least one instruction is needed');
  const random = options.seed === undefined ? undefined : mulberry32(options.seed);
  return sentences.map((sentence) => ({
    instruction: options.instructions[random ? random.int(options.instructions.length) : 0],
    input: sentenceInput(sentence.tokens, options),
    output: serializeAnswer(goldAnswer(sentence, options)),
  }));
}
