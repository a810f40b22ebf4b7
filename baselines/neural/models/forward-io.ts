import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { InputError } from '../../../harness/util/errors.ts';
import type { ForwardModel, ForwardOutputs } from './types.ts';

/** `model forward`'s input file: {"input_ids": [[...]], "attention_mask": [[...]], "token_type_ids"?: [[...]]}. */
const matrix = z.array(z.array(z.number().int().min(0))).min(1);
export const forwardInputSchema = z.object({
  input_ids: matrix,
  attention_mask: matrix.optional(),
  token_type_ids: matrix.optional(),
});
export type ForwardInputJson = z.infer<typeof forwardInputSchema>;

/** A tensor as `model forward` writes it: shape plus row-major values. */
export interface TensorJson {
  shape: number[];
  data: number[];
}

export interface ForwardOutputJson {
  logits?: TensorJson;
  last_hidden_state: TensorJson;
}

/** Checks the input against the model (rectangular, same shapes, ids in the vocabulary, length). */
export function parseForwardInput(raw: unknown, model: ForwardModel, file: string): ForwardInputJson {
  const parsed = forwardInputSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${issue.path.join('.') || 'input'}: ${issue.message}`, file);
  }
  const input = parsed.data;
  const length = input.input_ids[0].length;
  if (length === 0) throw new InputError('input_ids rows are empty', file);
  for (const key of ['input_ids', 'attention_mask', 'token_type_ids'] as const) {
    const rows = input[key];
    if (!rows) continue;
    if (rows.length !== input.input_ids.length)
      throw new InputError(`${key} has ${rows.length} rows, input_ids ${input.input_ids.length}`, file);
    const bad = rows.findIndex((row) => row.length !== length);
    if (bad >= 0)
      throw new InputError(`${key}[${bad}] has ${rows[bad].length} values; every row needs ${length}`, file);
  }
  if (length > model.maxLength)
    throw new InputError(`sequences of ${length} tokens exceed the model's ${model.maxLength}`, file);
  const tooBig = input.input_ids.flat().find((id) => id >= model.vocabSize);
  if (tooBig !== undefined)
    throw new InputError(`input id ${tooBig} is outside the vocabulary (size ${model.vocabSize})`, file);
  return input;
}

export async function runForward(model: ForwardModel, input: ForwardInputJson): Promise<ForwardOutputJson> {
  const rows = input.input_ids.length;
  const length = input.input_ids[0].length;
  const toTensor = (values: number[][]) => tf.tensor2d(values.flat(), [rows, length], 'int32');
  const [hidden, logits] = tf.tidy(() => {
    const result: ForwardOutputs = model.forward({
      inputIds: toTensor(input.input_ids),
      attentionMask: input.attention_mask ? toTensor(input.attention_mask) : tf.ones([rows, length], 'int32'),
      ...(input.token_type_ids ? { tokenTypeIds: toTensor(input.token_type_ids) } : {}),
    });
    return result.logits ? [result.lastHiddenState, result.logits] : [result.lastHiddenState];
  });
  const toJson = async (t: tf.Tensor): Promise<TensorJson> => ({
    shape: t.shape,
    data: Array.from(await t.data()),
  });
  const json: ForwardOutputJson = {
    ...(logits ? { logits: await toJson(logits) } : {}),
    last_hidden_state: await toJson(hidden),
  };
  tf.dispose(logits ? [hidden, logits] : [hidden]);
  return json;
}
