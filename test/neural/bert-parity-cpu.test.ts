import test from 'ava';
import { checkBertParity } from './bert-parity.ts';

test('bert-tiny-random on cpu: logits and last hidden state equal transformers within 1e-4', (t) =>
  checkBertParity(t, 'cpu'));
