import type { Sentence } from '../../../harness/data/types.ts';
import { InputError } from '../../../harness/util/errors.ts';
import { readJsonl } from '../../../harness/util/jsonl.ts';
import { goldAnswer, serializeAnswer } from '../format.ts';
import { parseAnswer } from '../parse-answer.ts';

/**
 * Reads LLaMA-Factory's generated_predictions.jsonl (one {"prompt"?, "predict", "label"} per
 * line, in the order of the split's records) and returns the answers in sentence order. A file
 * with one line per sentence is read in order; a longer one (the whole split, while the run sees
 * part of it: --limit, a subset) by each sentence's line in the split (`test:977` is line 977).
 * Where lines carry the label, each must be the gold answer of its sentence (with this marker),
 * which catches a file of another split or order.
 */
export function readGeneratedPredictions(
  path: string,
  sentences: readonly Sentence[],
  marker: string,
): string[] {
  const lines = readJsonl(path);
  const lineOf = (sentence: Sentence, position: number): number =>
    lines.length === sentences.length
      ? position
      : Number(sentence.id.slice(sentence.id.lastIndexOf(':') + 1));
  return sentences.map((sentence, position) => {
    const index = lineOf(sentence, position);
    if (!Number.isInteger(index) || index >= lines.length) {
      throw new InputError(
        `${lines.length} predictions, but the run has ${sentences.length} sentences and no line for ${sentence.id} (a file of another split, or cut short?)`,
        path,
      );
    }
    const { line, value } = lines[index];
    const record = value as { predict?: unknown; label?: unknown };
    if (typeof record?.predict !== 'string') throw new InputError('no "predict" string', path, line);
    if (typeof record.label === 'string' && !sameAnswer(record.label, sentence, marker)) {
      throw new InputError(
        `the label is not the gold answer of ${sentence.id} (another split, order or marker?)`,
        path,
        line,
      );
    }
    return record.predict;
  });
}

function sameAnswer(label: string, sentence: Sentence, marker: string): boolean {
  const gold = serializeAnswer(goldAnswer(sentence, { marker }));
  if (label.trim() === gold) return true;
  // a label re-serialised by another tool: compare what it says
  const parsed = parseAnswer(label);
  return parsed.status !== 'unparsable' && JSON.stringify(parsed) === JSON.stringify(parseAnswer(gold));
}

/** The answers (in split order) of the sentences still to predict. */
export function* wantedAnswers(
  splitSentences: readonly Sentence[],
  answers: readonly string[],
  sentences: readonly Sentence[],
): Iterable<{ sentence: Sentence; raw: string }> {
  const wanted = new Set(sentences.map((s) => s.id));
  for (const [index, sentence] of splitSentences.entries()) {
    if (wanted.has(sentence.id)) yield { sentence, raw: answers[index] };
  }
}
