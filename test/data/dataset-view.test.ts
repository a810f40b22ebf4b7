import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { readSubsetFile, viewOfSplit } from '../../harness/data/dataset-view.ts';
import { loadDataset } from '../../harness/data/datasets.ts';
import type { Sentence } from '../../harness/data/types.ts';
import { TestSets } from '../../harness/report/test-sets.ts';
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

test("the report loads a row's test set through the same view: subset, limit and labels", (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'subset.json');
  writeFileSync(path, JSON.stringify([977, 3, 10, 2000]));
  const { hash } = loadDataset('skillspan:test');
  const binding = {
    ref: 'skillspan:test',
    hash,
    subset: { ref: 'subset.json', hash: readSubsetFile(path, 'test').hash, path, size: 4 },
    labels: ['SKILL' as const],
  };
  const set = new TestSets('sentence').get(binding, join(dir, 'x.yaml'));
  t.deepEqual(
    set.gold?.map((sentence) => sentence.id),
    ['test:3', 'test:10', 'test:977', 'test:2000'],
  );
  t.true(set.gold?.every((sentence) => sentence.spans.every((span) => span.label === 'SKILL')));
  t.is(set.info.subset, 'subset.json');
  t.deepEqual(set.info.labels, ['SKILL']);
  t.regex(set.info.id, /\{subset\.json@[0-9a-f]{12}\}<SKILL>$/);
  t.not(
    set.info.id,
    new TestSets('sentence').get({ ref: 'skillspan:test', hash }, join(dir, 'x.yaml')).info.id,
  );
});
