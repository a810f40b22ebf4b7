import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { ExecutionContext } from 'ava';
import { useBackend } from '../../baselines/neural/backend/choose.ts';
import { DebertaModel } from '../../baselines/neural/deberta/model.ts';
import { projectPath } from '../../harness/util/paths.ts';
import { maxAbsDiff } from './gradcheck.ts';

export const DEBERTA_FIXTURE = projectPath('fixtures/hf-reference/deberta-v3-tiny-random');

export interface DebertaExpected {
  inputs: { input_ids: number[][]; attention_mask: number[][] };
  last_hidden_shape: number[];
  last_hidden: number[];
}

export function debertaExpected(): DebertaExpected {
  return JSON.parse(readFileSync(`${DEBERTA_FIXTURE}/expected_outputs.json`, 'utf8')) as DebertaExpected;
}

/**
 * deberta-v3-tiny-random on its recorded inputs (the first `rows` sentences) against
 * transformers' last hidden state, on one backend (chosen once per process, so one file each).
 */
export async function checkDebertaParity(
  t: ExecutionContext,
  backend: 'cpu' | 'wasm' | 'webgpu',
  rows?: number,
) {
  await useBackend(backend);
  const expected = debertaExpected();
  const ids = expected.inputs.input_ids.slice(0, rows);
  const mask = expected.inputs.attention_mask.slice(0, rows);
  const { model, ignored } = DebertaModel.load(DEBERTA_FIXTURE);
  t.deepEqual(ignored, []);
  const hidden = model.encode({
    inputIds: tf.tensor2d(ids, undefined, 'int32'),
    attentionMask: tf.tensor2d(mask, undefined, 'int32'),
  });
  const [, length, width] = expected.last_hidden_shape;
  t.deepEqual(hidden.shape, [ids.length, length, width]);
  const error = maxAbsDiff(await hidden.data(), expected.last_hidden.slice(0, ids.length * length * width));
  t.true(error < 1e-4, `last hidden state max error ${error}`);
  t.log(`${ids.length} sentences on ${backend}: max |error| ${error.toExponential(2)}`);
  model.dispose();
}
