import test from 'ava';
import { useBackend } from '../../baselines/neural/backend/choose.ts';
import { bertParity, expectedOutputs } from './bert-parity.ts';

test('bert-tiny-random on cpu: logits and last hidden state equal transformers within 1e-4', async (t) => {
  await useBackend('cpu');
  const expected = expectedOutputs();
  const parity = await bertParity();
  t.deepEqual(parity.shapes, [expected.last_hidden_shape, expected.logits_shape]);
  t.true(parity.hidden < 1e-4, `last hidden state max error ${parity.hidden}`);
  t.true(parity.logits < 1e-4, `logits max error ${parity.logits}`);
  t.log(`max |error|: hidden ${parity.hidden.toExponential(2)}, logits ${parity.logits.toExponential(2)}`);
});
