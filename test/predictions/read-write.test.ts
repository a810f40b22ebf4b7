import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { loadDataset } from '../../harness/data/datasets.ts';
import type { Sentence } from '../../harness/data/types.ts';
import { readPredictionFile } from '../../harness/predictions/read.ts';
import { formatSpanJsonl, writeSpanJsonl } from '../../harness/predictions/write.ts';
import { InputError } from '../../harness/util/errors.ts';
import { projectPath } from '../../harness/util/paths.ts';

const gold: Sentence[] = [
  { id: 'g:0', docId: 4, tokens: ['Know', 'Java', 'well'], source: 'tech', spans: [] },
  { id: 'g:1', docId: 4, tokens: ['Team', 'work'], source: 'tech', spans: [] },
];

function file(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'skillbench-pred-')), 'pred.jsonl');
  writeFileSync(path, content);
  return path;
}

const lines = (...rows: unknown[]) =>
  rows.map((row) => `${typeof row === 'string' ? row : JSON.stringify(row)}\n`).join('');

test('span lines: inclusive ends become exclusive, order is kept, idx/tokens are checked', (t) => {
  const path = file(
    lines(
      {
        idx: 4,
        tokens: ['Know', 'Java', 'well'],
        spans: [
          { label: 'SKILL', start: 0, end: 2 },
          { label: 'KNOWLEDGE', start: 1, end: 1 },
        ],
      },
      { spans: [] },
    ),
  );
  const predictions = readPredictionFile(path, gold);
  t.deepEqual(predictions[0], {
    id: 'g:0',
    spans: [
      { label: 'SKILL', start: 0, end: 3 },
      { label: 'KNOWLEDGE', start: 1, end: 2 },
    ],
  });
  t.deepEqual(predictions[1], { id: 'g:1', spans: [] });
});

test('BIO lines keep their tags and convert with the orphan-I rule', (t) => {
  const path = file(
    lines(
      { tags_skill: ['O', 'I', 'I'], tags_knowledge: ['O', 'B-Knowledge', 'O'] },
      { tags_skill: ['B', 'I'], tags_knowledge: ['O', 'O'], source: 'ignored' },
    ),
  );
  const [first] = readPredictionFile(path, gold);
  t.deepEqual(first.bio, { SKILL: ['O', 'I', 'I'], KNOWLEDGE: ['O', 'B', 'O'] });
  t.deepEqual(first.spans, [
    { label: 'SKILL', start: 1, end: 3 },
    { label: 'KNOWLEDGE', start: 1, end: 2 },
  ]);
});

const errors: [string, string, RegExp][] = [
  ['a line that is not JSON', lines({ spans: [] }, '{oops'), /pred\.jsonl:2: not valid JSON/],
  ['too few lines', lines({ spans: [] }), /pred\.jsonl:2: 1 prediction lines but the gold has 2 sentences/],
  [
    'too many lines',
    lines({ spans: [] }, { spans: [] }, { spans: [] }),
    /pred\.jsonl:3: more prediction lines than the gold's 2 sentences/,
  ],
  [
    'a KNOWLEDGE tag in the SKILL layer',
    lines({ tags_skill: ['B-KNOWLEDGE', 'O', 'O'], tags_knowledge: ['O', 'O', 'O'] }, { spans: [] }),
    /pred\.jsonl:1: tags_skill\[0\]: "B-KNOWLEDGE" is a KNOWLEDGE tag in the SKILL layer/,
  ],
  [
    'a span past the last token',
    lines({ spans: [{ label: 'SKILL', start: 1, end: 3 }] }, { spans: [] }),
    /pred\.jsonl:1: spans\[0\]: \[1, 3\] is out of range for 3 tokens/,
  ],
  [
    'a negative start',
    lines({ spans: [] }, { spans: [{ label: 'SKILL', start: -1, end: 0 }] }),
    /pred\.jsonl:2: spans\[0\]: \[-1, 0\] is out of range/,
  ],
  [
    'end < start',
    lines({ spans: [{ label: 'SKILL', start: 2, end: 1 }] }, { spans: [] }),
    /pred\.jsonl:1: spans\[0\]: end 1 < start 2/,
  ],
  [
    'an unknown label',
    lines({ spans: [] }, { spans: [{ label: 'SKILLS', start: 0, end: 0 }] }),
    /pred\.jsonl:2: spans\[0\]: unknown label "SKILLS"/,
  ],
  [
    'a non-integer index',
    lines({ spans: [{ label: 'SKILL', start: 0.5, end: 1 }] }, { spans: [] }),
    /pred\.jsonl:1: spans\.0\.start/,
  ],
  [
    'tokens that disagree',
    lines({ tokens: ['Know', 'Python', 'well'], spans: [] }, { spans: [] }),
    /pred\.jsonl:1: tokens\[1\] is "Python" but the gold sentence g:0 has "Java"/,
  ],
  [
    'a wrong token count',
    lines({ spans: [] }, { tokens: ['Team'], spans: [] }),
    /pred\.jsonl:2: 1 tokens but the gold sentence g:1 has 2/,
  ],
  [
    'an idx that disagrees',
    lines({ idx: 5, spans: [] }, { spans: [] }),
    /pred\.jsonl:1: idx 5 disagrees with the gold sentence g:0 \(idx 4\)/,
  ],
  [
    'tags of the wrong length',
    lines({ tags_skill: ['O'], tags_knowledge: ['O', 'O', 'O'] }, { spans: [] }),
    /pred\.jsonl:1: tags_skill has 1 tags but the sentence has 3 tokens/,
  ],
  [
    'a tag that is not BIO',
    lines({ spans: [] }, { tags_skill: ['O', 'X'], tags_knowledge: ['O', 'O'] }),
    /pred\.jsonl:2: tags_skill\[1\]: "X" is not a BIO tag/,
  ],
  [
    'only one BIO column',
    lines({ tags_skill: ['O', 'O', 'O'] }, { spans: [] }),
    /pred\.jsonl:1: BIO predictions need both/,
  ],
  [
    'neither spans nor tags',
    lines({ idx: 4 }, { spans: [] }),
    /pred\.jsonl:1: expected "spans" or "tags_skill" and "tags_knowledge"/,
  ],
  ['not an object', lines([1, 2], { spans: [] }), /pred\.jsonl:1: line: .*object/i],
];

for (const [what, content, message] of errors) {
  test(`an InputError naming file and line: ${what}`, (t) => {
    const error = t.throws(() => readPredictionFile(file(content), gold), { instanceOf: InputError });
    t.regex(error.message, message);
  });
}

test('a missing file is an InputError naming it', (t) => {
  const error = t.throws(() => readPredictionFile('/nonexistent/pred.jsonl', gold), {
    instanceOf: InputError,
  });
  t.is(error.message, '/nonexistent/pred.jsonl: no such file');
});

test('span JSONL round-trips through the writer (end inclusive, order and idx kept)', (t) => {
  const { sentences } = loadDataset('skillspan:test');
  const source = projectPath('fixtures', 'eval-vectors', 'skillspan-test', '03_boundary_shift.pred.jsonl');
  const predictions = readPredictionFile(source, sentences);
  const path = join(mkdtempSync(join(tmpdir(), 'skillbench-pred-')), 'out.jsonl');
  writeSpanJsonl(path, predictions, sentences);
  t.deepEqual(readPredictionFile(path, sentences), predictions);
  // the vector file itself is exactly this form
  t.is(readFileSync(path, 'utf8'), readFileSync(source, 'utf8'));
});

test('the writer keeps raw text and issues, and writes BIO predictions as spans', (t) => {
  const text = formatSpanJsonl([
    {
      id: 'g:0',
      spans: [{ label: 'SKILL', start: 1, end: 3 }],
      bio: { SKILL: ['O', 'I', 'I'], KNOWLEDGE: ['O', 'O', 'O'] },
      raw: 'Java well',
      issues: [{ kind: 'repaired' }],
    },
    { id: 'g:1', spans: [] },
  ]);
  t.is(
    text,
    '{"spans":[{"label":"SKILL","start":1,"end":2}],"raw":"Java well","issues":[{"kind":"repaired"}]}\n{"spans":[]}\n',
  );
  const back = readPredictionFile(file(text), gold);
  t.deepEqual(back[0], {
    id: 'g:0',
    spans: [{ label: 'SKILL', start: 1, end: 3 }],
    raw: 'Java well',
    issues: [{ kind: 'repaired' }],
  });
});
