import { z } from 'zod';
import { InputError } from '../../harness/util/errors.ts';
import type { CharSpanEntity } from './decode.ts';
import type { GlinerModel } from './model.ts';
import { batchPredictEntities } from './predict.ts';

/** The input of `skillbench gliner predict`: batch_predict_entities' arguments. */
export const glinerPredictInput = z.strictObject({
  texts: z.array(z.string()).min(1),
  labels: z.array(z.string().min(1)).min(1),
  threshold: z.number().min(0).max(1).default(0.5),
  flat_ner: z.boolean().default(true),
  multi_label: z.boolean().default(false),
});

export type GlinerPredictInput = z.output<typeof glinerPredictInput>;

export function parseGlinerPredictInput(raw: unknown, source: string): GlinerPredictInput {
  const result = glinerPredictInput.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new InputError(`invalid GLiNER predict input: ${issues.join('; ')}`, source);
  }
  return result.data;
}

export interface GlinerPredictOutput {
  logits: { shape: number[]; data: number[] };
  entities: CharSpanEntity[][];
}

/** All texts in one batch (L = most words), as v0.2.9's batch_predict_entities runs them. */
export async function runGlinerPredict(
  model: GlinerModel,
  input: GlinerPredictInput,
): Promise<GlinerPredictOutput> {
  const { logits, entities } = await batchPredictEntities(model, input.texts, input.labels, {
    threshold: input.threshold,
    flat: input.flat_ner,
    multiLabel: input.multi_label,
  });
  return { logits: { shape: logits.shape, data: Array.from(logits.data) }, entities };
}
