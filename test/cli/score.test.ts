/** `skillbench score` as a real process: JSON shape, table, and bad input (exit 2, no stack trace). */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { PROJECT_ROOT, projectPath } from '../../harness/util/paths.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function skillbench(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [projectPath('bin', 'skillbench.js'), ...args],
      { cwd: PROJECT_ROOT, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

const VECTOR = 'fixtures/eval-vectors/skillspan-test/03_boundary_shift.pred.jsonl';

function tempFile(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'skillbench-cli-')), name);
  writeFileSync(path, content);
  return path;
}

test('--format json prints one JSON object with all three protocols, counts and sources', async (t) => {
  const run = await skillbench('score', '--gold', 'skillspan:test', '--pred', VECTOR, '--format', 'json');
  t.is(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  t.deepEqual(Object.keys(report).sort(), ['by_source', 'counts', 'protocols']);
  const { nervaluate, nereval, set } = report.protocols;
  t.deepEqual(Object.keys(nervaluate.overall), ['strict', 'exact', 'partial', 'ent_type']);
  t.deepEqual(Object.keys(nervaluate.per_label), ['SKILL', 'KNOWLEDGE']);
  t.deepEqual(Object.keys(nervaluate.overall.strict), [
    'correct',
    'incorrect',
    'partial',
    'missed',
    'spurious',
    'possible',
    'actual',
    'precision',
    'recall',
    'f1',
  ]);
  t.is(nervaluate.overall.strict.f1, 0.7098990766587934);
  t.deepEqual(nereval.strict_combined, {
    tp: 1564,
    fp: 564,
    fn: 701,
    precision: 0.7349624060150376,
    recall: 0.6905077262693157,
    f1: 0.712041884816754,
  });
  t.deepEqual(Object.keys(nereval), ['strict_combined', 'skill_outer', 'knowledge_inner']);
  t.is(set.overall.f1, 0.7203389830508474);
  t.is(set.macro_f1, 0.7202491002225176);
  t.deepEqual(Object.keys(report.by_source), ['house', 'tech']);
  t.deepEqual(Object.keys(report.by_source.house), ['nervaluate', 'nereval', 'set']);
  t.is(report.counts.sentences, 3569);
  t.is(report.counts.nereval_encoding.dropped_overlapping_same_label, 91);
});

test('--bootstrap adds seeded intervals (document resampling)', async (t) => {
  const args = ['score', '--gold', 'skillspan:test', '--pred', VECTOR, '--format', 'json'];
  const run = await skillbench(...args, '--bootstrap', '50', '--seed', '3', '--resample', 'document');
  t.is(run.code, 0, run.stderr);
  const { ci } = JSON.parse(run.stdout);
  t.like(ci, { resamples: 50, seed: 3, unit: 'document', units: 65, level: 0.95 });
  const interval = ci.f1['nervaluate.overall.strict.f1'];
  t.true(interval.lower <= interval.estimate && interval.estimate <= interval.upper);
  t.regex(ci.description, /nereval is approximated/);
});

test('the table (default) names the protocols, per label and per source, with percentages', async (t) => {
  const run = await skillbench('score', '--gold', 'skillspan:test', '--pred', VECTOR, '--bootstrap', '20');
  t.is(run.code, 0, run.stderr);
  for (const expected of [
    /nervaluate 0\.2\.0/,
    /nereval\.perl/,
    /set F1/,
    /strict combined \(official\)\s+1564\s+564\s+701\s+73\.50\s+69\.05\s+71\.20/,
    /overall\s+strict\s+1653\s+574\s+0\s+116\s+87\s+2343\s+2314\s+71\.43\s+70\.55\s+70\.99/,
    /KNOWLEDGE\s+ent_type/,
    /house\s+overall/,
    /tech\s+KNOWLEDGE/,
    /95% CI/,
    /91 overlapping same-label spans dropped, 46 duplicates collapsed/,
  ]) {
    t.regex(run.stdout, expected);
  }
});

const badInputs: [string, () => string[], RegExp][] = [
  [
    'a missing prediction file',
    () => ['--pred', '/nonexistent/p.jsonl'],
    /\/nonexistent\/p\.jsonl: no such file/,
  ],
  [
    'a line that is not JSON',
    () => ['--pred', tempFile('p.jsonl', '{"spans":[]}\n{"spans":[\n')],
    /p\.jsonl:2: not valid JSON/,
  ],
  [
    'a wrong number of lines',
    () => ['--pred', tempFile('p.jsonl', '{"spans":[]}\n')],
    /p\.jsonl:2: 1 prediction lines but the gold has 3569 sentences/,
  ],
  [
    'a span out of range',
    () => [
      '--gold',
      'fixtures/eval-vectors/micro/m01_exact_match.gold.json',
      '--pred',
      tempFile('p.jsonl', '{"spans":[{"label":"SKILL","start":0,"end":8}]}\n'),
    ],
    /p\.jsonl:1: spans\[0\]: \[0, 8\] is out of range for 8 tokens/,
  ],
  [
    'an unknown label',
    () => [
      '--gold',
      'fixtures/eval-vectors/micro/m01_exact_match.gold.json',
      '--pred',
      tempFile('p.jsonl', '{"spans":[{"label":"TOOL","start":0,"end":0}]}\n'),
    ],
    /p\.jsonl:1: spans\[0\]: unknown label "TOOL"/,
  ],
  [
    'tokens that disagree with the gold',
    () => [
      '--gold',
      'fixtures/eval-vectors/micro/m01_exact_match.gold.json',
      '--pred',
      tempFile('p.jsonl', '{"tokens":["a"],"spans":[]}\n'),
    ],
    /p\.jsonl:1: 1 tokens but the gold sentence .* has 8/,
  ],
  [
    'a KNOWLEDGE tag among the SKILL tags',
    () => [
      '--gold',
      'fixtures/eval-vectors/micro/m01_exact_match.gold.json',
      '--pred',
      tempFile(
        'p.jsonl',
        `${JSON.stringify({ tags_skill: ['B-KNOWLEDGE', ...Array(7).fill('O')], tags_knowledge: Array(8).fill('O') })}\n`,
      ),
    ],
    /p\.jsonl:1: tags_skill\[0\]: "B-KNOWLEDGE" is a KNOWLEDGE tag in the SKILL layer/,
  ],
  [
    'more lines than the gold (stopped at the first one too many, the rest unread)',
    () => [
      '--gold',
      'fixtures/eval-vectors/micro/m01_exact_match.gold.json',
      '--pred',
      tempFile('p.jsonl', '{"spans":[]}\n{"spans":[]}\nnot json at all\n'),
    ],
    /p\.jsonl:2: more prediction lines than the gold's 1 sentences/,
  ],
  [
    'control characters in a prediction file',
    () => [
      '--gold',
      'fixtures/eval-vectors/micro/m01_exact_match.gold.json',
      '--pred',
      tempFile('p.jsonl', '{"spans":[{"label":"\\u001b[2J\\rSKILL","start":0,"end":0}]}\n'),
    ],
    /unknown label "\\u001b\[2J\\rSKILL"|unknown label ".*\\x1b\[2J\\rSKILL"/,
  ],
  [
    'an unknown split',
    () => ['--gold', 'skillspan:tset', '--pred', VECTOR],
    /unknown SkillSpan split "tset"/,
  ],
  [
    'a bad --bootstrap',
    () => ['--pred', VECTOR, '--bootstrap', '-3'],
    /--bootstrap must be a non-negative integer/,
  ],
];

for (const [what, args, message] of badInputs) {
  test(`bad input exits 2 with a clear message and no stack trace: ${what}`, async (t) => {
    const extra = args();
    const gold = extra.includes('--gold') ? [] : ['--gold', 'skillspan:test'];
    const run = await skillbench('score', ...gold, ...extra);
    t.is(run.code, 2, run.stdout);
    t.regex(run.stderr, message);
    t.regex(run.stderr, /^skillbench: /);
    t.notRegex(run.stderr, /\n\s+at /);
    t.is(run.stdout, '');
    t.false(
      [...run.stderr].some((c) => c < ' ' && c !== '\n' && c !== '\t'),
      'no control character reaches the terminal',
    );
  });
}

test('a missing --pred flag exits 2', async (t) => {
  const run = await skillbench('score', '--gold', 'skillspan:test');
  t.is(run.code, 2);
  t.regex(run.stderr, /pred/);
});
