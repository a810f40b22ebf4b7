import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { readSubsetFile, viewOfSplit } from '../../harness/data/dataset-view.ts';
import type { Sentence } from '../../harness/data/types.ts';
import { tempDir } from '../helpers/tmp.ts';

const sentences: Sentence[] = Array.from({ length: 5 }, (_, i) => ({
  id: `test:${i}`,
  docId: i,
  tokens: ['Know', 'Python'],
  source: 'tech',
  spans: [
    { label: 'SKILL', start: 0, end: 2 },
    { label: 'KNOWLEDGE', start: 1, end: 2 },
  ],
}));

test('a subset file keeps its sentences in file order, then the limit applies, then the label filter', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'ids.json');
  writeFileSync(path, JSON.stringify({ description: 'x', ids: [4, 1, 'test:3'] }));
  const { ids, hash } = readSubsetFile(path, 'test');
  t.deepEqual([...ids], ['test:4', 'test:1', 'test:3']);
  const binding = {
    ref: 'x',
    hash: 'h',
    subset: { ref: 'ids.json', hash, path, size: 3 },
    limit: 2,
    labels: ['SKILL' as const],
  };
  const view = viewOfSplit(sentences, binding, 'test');
  t.deepEqual(
    view.map((s) => s.id),
    ['test:1', 'test:3'],
  );
  t.deepEqual(
    view.map((s) => s.spans.map((span) => span.label)),
    [['SKILL'], ['SKILL']],
  );
  t.is(sentences[1].spans.length, 2, 'the loaded sentences are not changed');

  writeFileSync(path, JSON.stringify([4]));
  t.throws(() => viewOfSplit(sentences, binding, 'test'), { message: /changed since the run was planned/ });
  writeFileSync(path, JSON.stringify({ id: [1] }));
  t.throws(() => readSubsetFile(path, 'test'), { message: /a JSON array of sentence ids or line numbers/ });
  t.throws(() => readSubsetFile(join(dir, 'absent.json'), 'test'), { message: /no such subset file/ });
});
