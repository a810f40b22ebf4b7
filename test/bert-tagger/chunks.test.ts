import test from 'ava';
import { bucketBatches, padBatch } from '../../baselines/bert-tagger/batches.ts';
import { chunkSentences } from '../../baselines/bert-tagger/chunks.ts';
import { Rng } from '../../baselines/neural/rng.ts';
import { loadBertTokenizer } from '../../baselines/neural/tokenizers/load.ts';
import type { Sentence } from '../../harness/data/types.ts';
import { projectPath } from '../../harness/util/paths.ts';

const tokenizer = loadBertTokenizer(projectPath('fixtures/hf-reference/tokenizer'));

const sentence = (tokens: string[], spans: Sentence['spans'] = []): Sentence => ({
  id: 'test:0',
  docId: 0,
  tokens,
  source: 'tech',
  spans,
});

test('labels sit on the first subword of each word; continuation subwords and specials are ignored', (t) => {
  const s = sentence(['Date', 'posted:', 'JavaScript'], [{ label: 'SKILL', start: 1, end: 3 }]);
  const [chunk] = chunkSentences([s], tokenizer, 128, ['SKILL', 'KNOWLEDGE']);
  t.deepEqual(Array.from(chunk.ids), [2, 880, 920, 30, 1648, 3]);
  t.deepEqual(Array.from(chunk.firstSubword), [1, 2, 4]);
  t.deepEqual(Array.from(chunk.labels![0]), [-1, 0, 1, -1, 2, -1]);
  t.deepEqual(Array.from(chunk.labels![1]), [-1, 0, 0, -1, 0, -1]);
});

test('a long sentence is split into chunks within max_subwords that cover every word once', (t) => {
  const words = Array.from({ length: 70 }, (_, i) => (i % 2 ? 'Engineer' : '2021-03'));
  const chunks = chunkSentences([sentence(words)], tokenizer, 32);
  t.true(chunks.length > 1);
  let next = 0;
  for (const chunk of chunks) {
    t.true(chunk.ids.length <= 32);
    t.is(chunk.firstWord, next);
    next += chunk.firstSubword.length;
  }
  t.is(next, 70);
});

test('buckets hold chunks of similar length; seeded order is reproducible', (t) => {
  const sentences = Array.from({ length: 40 }, (_, i) =>
    sentence(Array.from({ length: 1 + (i % 13) }, () => 'Java')),
  );
  const chunks = chunkSentences(sentences, tokenizer, 128);
  const a = bucketBatches(chunks, 8, new Rng(1));
  const b = bucketBatches(chunks, 8, new Rng(1));
  t.deepEqual(
    a.map((batch) => batch.map((c) => c.sentence)),
    b.map((batch) => batch.map((c) => c.sentence)),
  );
  t.is(a.flat().length, 40);
  const spread = Math.max(
    ...a.map(
      (batch) => Math.max(...batch.map((c) => c.ids.length)) - Math.min(...batch.map((c) => c.ids.length)),
    ),
  );
  t.true(spread <= 3);
  const padded = padBatch(a[0], tokenizer.padId);
  t.is(padded.ids.length, a[0].length * padded.length);
});
