import test from 'ava';
import { checkDebertaParity } from './deberta-parity.ts';

test('deberta-v3-tiny-random on wasm: last hidden state equals transformers within 1e-4 (48 sentences)', (t) =>
  checkDebertaParity(t, 'wasm'));
