import type { Prediction, PredictionIssue, Sentence, Span } from '../../harness/data/types.ts';
import { type AlignMode, alignSpan, alignTarget } from './align.ts';
import { parseAnswer } from './parse-answer.ts';

export interface ReadOptions {
  align: AlignMode;
  /** drop a span the answer names twice (same label and tokens); the authors kept repeats */
  dropDuplicates: boolean;
}

/**
 * A model's answer for a sentence -> its Prediction: spans in the order the answer names them,
 * the raw answer, and an issue for a repaired or unparsable answer and for each span that is not
 * in the sentence (unaligned-span: a hallucination). Never throws.
 */
export function readAnswer(
  sentence: Pick<Sentence, 'id' | 'tokens'>,
  raw: string,
  options: ReadOptions,
): Prediction {
  const parsed = parseAnswer(raw);
  const issues: PredictionIssue[] = [];
  if (parsed.status !== 'ok') issues.push({ kind: parsed.status, detail: parsed.notes.join('; ') });
  const target = alignTarget(sentence.tokens);
  const spans: Span[] = [];
  const seen = new Set<string>();
  for (const answered of parsed.spans) {
    const span = alignSpan(target, answered, options.align);
    if (!span) {
      issues.push({ kind: 'unaligned-span', detail: `${answered.label}: ${answered.text}` });
      continue;
    }
    const key = `${span.label}:${span.start}:${span.end}`;
    if (options.dropDuplicates && seen.has(key)) continue;
    seen.add(key);
    spans.push(span);
  }
  return { id: sentence.id, spans, raw, ...(issues.length > 0 ? { issues } : {}) };
}
