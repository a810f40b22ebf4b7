import test from 'ava';
import { useBackend } from '../../baselines/neural/backend/choose.ts';
import { finiteDifferenceCheck } from './gradcheck.ts';
import { tinyBert, tinyLoss } from './tiny-bert.ts';

// The composed model: every custom gradient (gatherRows, layerNorm, geluErf, attention, cross-entropy)
// inside a real BERT forward pass, against finite differences, on a sample of every kind of weight.
const NAMES = [
  'bert.embeddings.word_embeddings.weight',
  'bert.embeddings.position_embeddings.weight',
  'bert.embeddings.LayerNorm.weight',
  'bert.encoder.layer.0.attention.self.qkv.weight',
  'bert.encoder.layer.0.attention.self.qkv.bias',
  'bert.encoder.layer.0.attention.output.LayerNorm.bias',
  'bert.encoder.layer.0.intermediate.dense.weight',
  'bert.encoder.layer.0.output.dense.weight',
  'classifier.weight',
];

test('tiny BERT token classifier: analytic gradients match finite differences', async (t) => {
  await useBackend('wasm');
  const model = tinyBert();
  const values = NAMES.map((name) => model.params.get(name)!);
  const check = finiteDifferenceCheck(tinyLoss(model, NAMES), values, { samples: 6, eps: 5e-3, atol: 2e-3 });
  t.true(check.worst <= 1, check.detail);
});
