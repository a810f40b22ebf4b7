import { LABELS, type Sentence, type Span } from '../../harness/data/types.ts';
import { nervaluate } from '../../harness/eval/nervaluate.ts';
import type { CharSpanEntity } from './decode.ts';
import { convertSentence, GLINER_LABELS } from './skillspan.ts';

const LABEL_OF = new Map(LABELS.map((label) => [GLINER_LABELS[label], label]));

/**
 * The authors' scoring (gliner_raytune.ipynb): nervaluate 0.2.0 on character offsets of the
 * space-joined sentence, gold from their conversion. They pass exclusive ends where nervaluate
 * expects inclusive ones, so each entity is handed over as [start, end] inclusive of `end`
 * (touching entities overlap there). Returns overall and per-label strict F1.
 */
export function authorsCharNervaluate(
  sentences: readonly Sentence[],
  entities: readonly CharSpanEntity[][],
): Record<string, number> {
  const asSpans = (list: readonly { label: string; start: number; end: number }[]): Span[] =>
    list.flatMap((e) => {
      const label = LABEL_OF.get(e.label);
      return label ? [{ label, start: e.start, end: e.end + 1 }] : [];
    });
  const gold = sentences.map((sentence) => asSpans(convertSentence(sentence).gold));
  const result = nervaluate(gold, entities.map(asSpans));
  const metrics: Record<string, number> = {
    'overall.f1': result.overall.strict.f1,
    'overall.precision': result.overall.strict.precision,
    'overall.recall': result.overall.strict.recall,
  };
  for (const label of LABELS) metrics[`${label}.f1`] = result.per_label[label].strict.f1;
  return metrics;
}
