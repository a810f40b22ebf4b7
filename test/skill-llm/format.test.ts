import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import {
  DEFAULT_INSTRUCTIONS,
  DEFAULT_MARKER,
  goldAnswer,
  serializeAnswer,
  splitRecords,
} from '../../baselines/skill-llm/format.ts';
import { bundledSplitPath, loadDataset } from '../../harness/data/datasets.ts';
import { readSkillSpanJsonl } from '../../harness/data/skillspan.ts';
import { htmlUnescape } from '../../harness/util/python/html-unescape.ts';
import { tempDir } from '../helpers/tmp.ts';
import { pythonMissing, runPython } from './python.ts';

const options = { marker: DEFAULT_MARKER, instructions: DEFAULT_INSTRUCTIONS };

/** The released preprocessing, re-stated in Python (test/skill-llm/released_preprocessing.py). */
function reference(path: string, marker = DEFAULT_MARKER): { input: string; output: string }[] {
  return runPython('released_preprocessing.py', [path, marker])
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

const pythonTest = pythonMissing ? test.skip : test;
if (pythonMissing) console.log(`skipping the Python golden tests: ${pythonMissing}`);

pythonTest('every train sentence is exported as the released preprocessing writes it', (t) => {
  const { sentences } = loadDataset('skillspan:train');
  const records = splitRecords(sentences, { ...options, seed: 7 });
  const expected = reference(bundledSplitPath('train'));
  t.is(records.length, 4800);
  t.is(expected.length, records.length);
  const mismatches = records.filter(
    (record, i) => record.input !== expected[i].input || record.output !== expected[i].output,
  );
  t.deepEqual(mismatches.slice(0, 3), []);
  // what the golden data covers
  t.true(records.some((r) => r.output === '{"SKILL": [], "KNOWLEDGE": []}'));
  t.true(records.some((r) => r.output.includes('"context": "** ')));
  t.true(records.some((r) => r.output.includes(' **"}')));
});

pythonTest('the marker is a parameter', (t) => {
  const path = join(tempDir(t), 'head.jsonl');
  writeFileSync(path, readFileSync(bundledSplitPath('train'), 'utf8').split('\n').slice(0, 300).join('\n'));
  const records = splitRecords(readSkillSpanJsonl(path, 'train'), { ...options, marker: '***' });
  const expected = reference(path, '***');
  t.deepEqual(
    records.map(({ input, output }) => ({ input, output })),
    expected,
  );
});

pythonTest('html entities, quotes, backslashes and non-ASCII text match Python', (t) => {
  const dir = tempDir(t);
  const rows = [
    ['AT&amp;T', 'and', 'R&D', '&lt;b&gt;', 'C#', '&#8217;s', '&ampx', '&#x110000;', '&#150;'],
    ['"quoted"', 'back\\slash', 'tab\there', 'naïve', 'café', '日本語', '&copy', '&notin;', '&notit;'],
  ].map((tokens, i) => ({
    idx: i,
    tokens,
    tags_skill: tokens.map((_, j) => (j === 0 ? 'B' : j === 1 ? 'I' : j === tokens.length - 1 ? 'B' : 'O')),
    tags_knowledge: tokens.map((_, j) => (j === 3 ? 'B' : j === 4 ? 'I' : 'O')),
    source: 'tech',
  }));
  const path = join(dir, 'entities.jsonl');
  writeFileSync(path, rows.map((row) => JSON.stringify(row)).join('\n'));
  const records = splitRecords(readSkillSpanJsonl(path, 'x'), options);
  t.deepEqual(
    records.map(({ input, output }) => ({ input, output })),
    reference(path),
  );
  t.is(records[0].input, '** AT&T and R&D <b> C# \u2019s &x \ufffd \u2013 **');
});

pythonTest('htmlUnescape equals Python html.unescape on tricky references', (t) => {
  const cases = [
    '&amp;',
    '&amp',
    '&AMP',
    '&ampere;',
    '&notin',
    '&notit;',
    '&#0;',
    '&#x80;',
    '&#xD800;',
    '&#1;',
    '&#65',
    '&#x41',
    '&#99999999999;',
    '&;',
    '&#;',
    '&#x;',
    '& amp;',
    '&&amp;',
    '&aacute&Aacute;',
    '&NotNestedGreaterGreater;',
    '&abcdefghijklmnopqrstuvwxyzabcdefghijk;',
    'plain text',
  ];
  const expected = JSON.parse(runPython('html_unescape.py', [], JSON.stringify(cases))) as string[];
  t.deepEqual(cases.map(htmlUnescape), expected);
});

test('hand-checked answers: edges, nesting, empty sentences', (t) => {
  const sentences = loadDataset('skillspan:train').sentences;
  const answer = (index: number) => serializeAnswer(goldAnswer(sentences[index], options));
  // a skill at the start of the sentence
  t.is(
    answer(25),
    '{"SKILL": [{"skill_span": "Design and implement complex end-to-end tests", "context": "** Design and implement complex end-to-end tests ."}], "KNOWLEDGE": []}',
  );
  // a skill that is the whole sentence
  t.is(
    answer(218),
    '{"SKILL": [{"skill_span": "Working remotely", "context": "** Working remotely **"}], "KNOWLEDGE": []}',
  );
  // a skill at the end
  t.is(
    answer(115),
    '{"SKILL": [{"skill_span": "building an innovative culture", "context": "about building an innovative culture **"}], "KNOWLEDGE": []}',
  );
  // KNOWLEDGE spans nested inside a SKILL span, in gold order
  t.is(
    answer(652),
    '{"SKILL": [{"skill_span": "operate company DNS website hosting and email infrastructure", "context": "You operate company DNS website hosting and email infrastructure **"}], ' +
      '"KNOWLEDGE": [{"skill_span": "DNS", "context": "company DNS website"}, {"skill_span": "website hosting", "context": "DNS website hosting and"}, {"skill_span": "email infrastructure", "context": "and email infrastructure **"}]}',
  );
  // no entity
  t.is(answer(0), '{"SKILL": [], "KNOWLEDGE": []}');
});

test('training records draw their instruction with the seed; inference records use the first', (t) => {
  const sentences = loadDataset('skillspan:train').sentences.slice(0, 200);
  const drawn = splitRecords(sentences, { ...options, seed: 1 }).map((r) => r.instruction);
  t.deepEqual(
    splitRecords(sentences, { ...options, seed: 1 }).map((r) => r.instruction),
    drawn,
  );
  t.notDeepEqual(
    splitRecords(sentences, { ...options, seed: 2 }).map((r) => r.instruction),
    drawn,
  );
  for (const phrasing of DEFAULT_INSTRUCTIONS) t.true(drawn.includes(phrasing));
  t.true(splitRecords(sentences, options).every((r) => r.instruction === DEFAULT_INSTRUCTIONS[0]));
});
