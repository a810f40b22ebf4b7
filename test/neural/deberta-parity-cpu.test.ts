import test from 'ava';
import { checkDebertaParity } from './deberta-parity.ts';

// The pure-JS backend is ~40x slower than wasm: 2 of the 48 sentences.
test('deberta-v3-tiny-random on cpu: last hidden state equals transformers within 1e-4 (2 sentences)', (t) =>
  checkDebertaParity(t, 'cpu', 2));
