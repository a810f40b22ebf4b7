import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { ExecutionContext } from 'ava';
import { useBackend } from '../../baselines/neural/backend/choose.ts';
import { BertTokenModel } from '../../baselines/neural/bert/model.ts';
import { projectPath } from '../../harness/util/paths.ts';
import { maxAbsDiff } from './gradcheck.ts';

export const BERT_FIXTURE = projectPath('fixtures/hf-reference/bert-tiny-random');

interface ExpectedOutputs {
  inputs: { input_ids: number[][]; attention_mask: number[][] };
  logits_shape: number[];
  logits: number[];
  last_hidden_shape: number[];
  last_hidden: number[];
}

export function expectedOutputs(): ExpectedOutputs {
  return JSON.parse(readFileSync(`${BERT_FIXTURE}/expected_outputs.json`, 'utf8')) as ExpectedOutputs;
}

/** Runs the fixture checkpoint on its recorded inputs; the largest deviation from transformers. */
export async function bertParity(): Promise<{ hidden: number; logits: number; shapes: number[][] }> {
  const expected = expectedOutputs();
  const { model } = BertTokenModel.load(BERT_FIXTURE);
  const inputIds = tf.tensor2d(expected.inputs.input_ids, undefined, 'int32');
  const attentionMask = tf.tensor2d(expected.inputs.attention_mask, undefined, 'int32');
  const hidden = model.encode({ inputIds, attentionMask });
  const logits = model.classify(hidden);
  const result = {
    hidden: maxAbsDiff(await hidden.data(), expected.last_hidden),
    logits: maxAbsDiff(await logits.data(), expected.logits),
    shapes: [hidden.shape, logits.shape],
  };
  tf.dispose([inputIds, attentionMask, hidden, logits]);
  model.dispose();
  return result;
}

/**
 * The parity assertions on one backend. Each backend's test lives in its own file because the
 * tfjs backend is chosen once per process and ava runs each file in a process of its own.
 */
export async function checkBertParity(t: ExecutionContext, backend: 'cpu' | 'wasm'): Promise<void> {
  await useBackend(backend);
  const expected = expectedOutputs();
  const parity = await bertParity();
  t.deepEqual(parity.shapes, [expected.last_hidden_shape, expected.logits_shape]);
  t.true(parity.hidden < 1e-4, `last hidden state max error ${parity.hidden}`);
  t.true(parity.logits < 1e-4, `logits max error ${parity.logits}`);
  t.log(`max |error|: hidden ${parity.hidden.toExponential(2)}, logits ${parity.logits.toExponential(2)}`);
}
