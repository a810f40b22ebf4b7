import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { splitStats } from '../../harness/eval/dataset-stats.ts';

// data/skillspan/README.md: sentences, tech, house, SKILL (B), KNOWLEDGE (B)
const README: [string, number, number, number, number, number][] = [
  ['train', 4800, 3133, 1667, 2221, 2969],
  ['dev', 3174, 2156, 1018, 1070, 1093],
  ['test', 3569, 2286, 1283, 1090, 1174],
];

for (const [split, sentences, tech, house, skill, knowledge] of README) {
  test(`${split} reproduces data/skillspan/README.md`, (t) => {
    const stats = splitStats(`skillspan:${split}`);
    t.is(stats.sentences, sentences);
    t.is(stats.by_source.tech.sentences, tech);
    t.is(stats.by_source.house.sentences, house);
    t.deepEqual(stats.b_tags, { SKILL: skill, KNOWLEDGE: knowledge });
  });
}

test('test: conlleval chunking counts one SKILL span more than the B tags (row 977)', (t) => {
  const stats = splitStats('skillspan:test');
  t.deepEqual(stats.spans, { SKILL: 1091, KNOWLEDGE: 1174 });
  t.is(stats.tokens, 42786);
  t.is(stats.by_source.tech.spans.SKILL, 440);
  t.is(stats.by_source.tech.b_tags.SKILL, 439);
});

test('CoNLL files count the same way', (t) => {
  const path = join(mkdtempSync(join(tmpdir(), 'skillbench-stats-')), 'x.conll');
  writeFileSync(
    path,
    '# source = tech\nKnow\tB-Skill\tO\nJava\tI-Skill\tB-Knowledge\n\n# idx = 2\nwell\tI-Skill\tO\n',
  );
  const stats = splitStats(path);
  t.like(stats, { sentences: 2, tokens: 3, documents: 2 });
  t.deepEqual(stats.spans, { SKILL: 2, KNOWLEDGE: 1 });
  t.deepEqual(stats.b_tags, { SKILL: 1, KNOWLEDGE: 1 });
});
