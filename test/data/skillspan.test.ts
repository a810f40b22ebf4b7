import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { loadDataset } from '../../harness/data/datasets.ts';
import { readSkillSpanConll, readSkillSpanJsonl } from '../../harness/data/skillspan.ts';
import { InputError } from '../../harness/util/errors.ts';

test('the bundled splits hold the sentence counts of data/skillspan/README.md', (t) => {
  t.is(loadDataset('skillspan:train').sentences.length, 4800);
  t.is(loadDataset('skillspan:dev').sentences.length, 3174);
  t.is(loadDataset('skillspan:test').sentences.length, 3569);
});

test('test sentence 977 starts a skill with I after O and it still counts (1091 test skills)', (t) => {
  const { sentences } = loadDataset('skillspan:test');
  const skills = sentences.flatMap((s) => s.spans.filter((span) => span.label === 'SKILL'));
  t.is(skills.length, 1091);
  t.is(sentences[977].id, 'test:977');
});

test('CoNLL and JSONL forms of the same sentences load the same', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skillbench-'));
  const jsonl = join(dir, 'x.jsonl');
  writeFileSync(
    jsonl,
    `${JSON.stringify({ idx: 7, tokens: ['Know', 'Java', 'well'], tags_skill: ['B', 'I', 'I'], tags_knowledge: ['O', 'B', 'O'], source: 'tech' })}\n`,
  );
  const conll = join(dir, 'x.conll');
  writeFileSync(
    conll,
    '# idx = 7\n# source = tech\nKnow\tB-Skill\tO\nJava\tI-Skill\tB-Knowledge\nwell\tI-Skill\tO\n\n',
  );
  t.deepEqual(readSkillSpanConll(conll, 'x'), readSkillSpanJsonl(jsonl, 'x'));
});

test('a malformed line is an InputError naming the file and line', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skillbench-'));
  const path = join(dir, 'bad.jsonl');
  writeFileSync(
    path,
    `${JSON.stringify({ idx: 1, tokens: ['a'], tags_skill: ['O'], tags_knowledge: ['O'] })}\n{oops\n`,
  );
  const error = t.throws(() => readSkillSpanJsonl(path, 'bad'), { instanceOf: InputError });
  t.regex(error.message, /bad\.jsonl:2: not valid JSON/);
});
