import test from 'ava';
import { alignSpan, alignTarget } from '../../baselines/skill-llm/align.ts';
import { parseAnswer } from '../../baselines/skill-llm/parse-answer.ts';
import { readAnswer } from '../../baselines/skill-llm/read-answer.ts';
import type { Prediction } from '../../harness/data/types.ts';
import { llmAnswerMetrics } from '../../harness/runner/score-split.ts';

const sentence = (text: string) => ({ id: 'test:0', tokens: text.split(' ') });
const lenient = { align: 'lenient', dropDuplicates: false } as const;
const item = (skill_span: string, context: string) => ({ skill_span, context });
const answer = (skill: unknown[], knowledge: unknown[] = []) =>
  JSON.stringify({ SKILL: skill, KNOWLEDGE: knowledge });

const s1 = sentence('Experience with Python and SQL ; Python scripting is a plus');

test('a well-formed answer aligns every span, SKILL and KNOWLEDGE, in answer order', (t) => {
  const prediction = readAnswer(
    s1,
    answer(
      [item('Python scripting', ': Python scripting is')],
      [item('SQL', 'and SQL ;'), item('Python', 'with Python and')],
    ),
    lenient,
  );
  t.deepEqual(prediction.spans, [
    { label: 'SKILL', start: 6, end: 8 },
    { label: 'KNOWLEDGE', start: 4, end: 5 },
    { label: 'KNOWLEDGE', start: 2, end: 3 },
  ]);
  t.is(prediction.issues, undefined);
  t.is(
    prediction.raw,
    answer(
      [item('Python scripting', ': Python scripting is')],
      [item('SQL', 'and SQL ;'), item('Python', 'with Python and')],
    ),
  );
});

test('a span that occurs twice goes where its context fits best', (t) => {
  const first = readAnswer(s1, answer([], [item('Python', 'with Python and')]), lenient);
  const second = readAnswer(s1, answer([], [item('Python', '; Python scripting')]), lenient);
  t.deepEqual(first.spans, [{ label: 'KNOWLEDGE', start: 2, end: 3 }]);
  t.deepEqual(second.spans, [{ label: 'KNOWLEDGE', start: 6, end: 7 }]);
  // without a context the first occurrence wins (the authors' tie rule)
  t.deepEqual(readAnswer(s1, answer([], ['Python']), lenient).spans, [
    { label: 'KNOWLEDGE', start: 2, end: 3 },
  ]);
});

test('a ")" written for "}" is repaired and counted', (t) => {
  const raw =
    '{"SKILL": [{"skill_span": "Python scripting", "context": "; Python scripting is")], "KNOWLEDGE": []}';
  const prediction = readAnswer(s1, raw, lenient);
  t.deepEqual(prediction.spans, [{ label: 'SKILL', start: 6, end: 8 }]);
  t.is(prediction.issues?.[0].kind, 'repaired');
});

test('truncated JSON keeps the spans that were complete', (t) => {
  const raw =
    '{"SKILL": [{"skill_span": "Python scripting", "context": "; Python scripting is"}, {"skill_span": "SQ';
  const prediction = readAnswer(s1, raw, lenient);
  t.is(prediction.issues?.[0].kind, 'repaired');
  // the cut item "SQ" is no whole word of the sentence, but occurs inside SQL: snapped to it
  t.deepEqual(prediction.spans, [
    { label: 'SKILL', start: 6, end: 8 },
    { label: 'SKILL', start: 4, end: 5 },
  ]);
});

test('duplicate spans are kept as the authors kept them, or dropped on request', (t) => {
  const raw = answer([item('Python', 'with Python and'), item('Python', 'with Python and')]);
  t.is(readAnswer(s1, raw, lenient).spans.length, 2);
  t.deepEqual(readAnswer(s1, raw, { ...lenient, dropDuplicates: true }).spans, [
    { label: 'SKILL', start: 2, end: 3 },
  ]);
});

test('hallucinated spans are unaligned, one issue each', (t) => {
  const prediction = readAnswer(
    s1,
    answer([item('Java', 'with Java and'), item('Python', 'with Python and')], [item('Go', '')]),
    lenient,
  );
  t.deepEqual(prediction.spans, [{ label: 'SKILL', start: 2, end: 3 }]);
  t.deepEqual(
    prediction.issues?.map((i) => [i.kind, i.detail]),
    [
      ['unaligned-span', 'SKILL: Java'],
      ['unaligned-span', 'KNOWLEDGE: Go'],
    ],
  );
});

test('wrong keys: case and plurals are read, unknown keys ignored, both marked repaired', (t) => {
  const prediction = readAnswer(
    s1,
    '{"skills": [{"skill_span": "SQL", "context": "and SQL ;"}], "Tools": ["Python"]}',
    lenient,
  );
  t.deepEqual(prediction.spans, [{ label: 'SKILL', start: 4, end: 5 }]);
  t.is(prediction.issues?.[0].kind, 'repaired');
  t.regex(prediction.issues?.[0].detail ?? '', /"skills" read as SKILL.*"Tools" is not a label/);
});

test('text around the JSON, code fences and bare strings are repaired', (t) => {
  t.is(parseAnswer('Here you go: {"SKILL": ["SQL"], "KNOWLEDGE": []} Hope this helps!').status, 'repaired');
  t.is(parseAnswer('```json\n{"SKILL": [], "KNOWLEDGE": []}\n```').status, 'repaired');
  t.deepEqual(parseAnswer('{"SKILL": ["SQL"], "KNOWLEDGE": []}').spans, [
    { label: 'SKILL', text: 'SQL', context: 'SQL' },
  ]);
});

test('what cannot be read is unparsable, predicts nothing and never throws', (t) => {
  for (const raw of ['', 'I could not find any skills.', '[1, 2]', '"SKILL"', 'null', '{{{{', '\u0000']) {
    const prediction = readAnswer(s1, raw, lenient);
    t.deepEqual(prediction.spans, [], raw);
    t.is(prediction.issues?.[0].kind, 'unparsable', raw);
  }
  t.is(parseAnswer('{"SKILL": [], "KNOWLEDGE": []}').status, 'ok');
});

test('lenient alignment: whole words first, case-insensitive, snapped to tokens', (t) => {
  const target = alignTarget('Use of Java , JavaScript and java-based tools'.split(' '));
  const align = (text: string, context = text, mode: 'lenient' | 'strict' = 'lenient') =>
    alignSpan(target, { label: 'SKILL', text, context }, mode);
  // "java" as a whole word: Java (token 2) and java-based's "java" (a word before "-"), not
  // JavaScript; without a wider context the closer spelling wins the ratio
  t.deepEqual(align('java'), { label: 'SKILL', start: 6, end: 7 });
  t.deepEqual(align('Java'), { label: 'SKILL', start: 2, end: 3 });
  t.deepEqual(align('java', 'of java ,'), { label: 'SKILL', start: 2, end: 3 });
  // no whole-word occurrence: any occurrence, snapped outward to the token
  t.deepEqual(align('Scrip'), { label: 'SKILL', start: 4, end: 5 });
  t.deepEqual(align('based tools'), { label: 'SKILL', start: 6, end: 8 });
  t.is(align('Kotlin'), undefined);
  // regular-expression characters in a span are text
  t.deepEqual(align('java-based (tools'), undefined);
  t.deepEqual(align('Java , JavaScript'), { label: 'SKILL', start: 2, end: 5 });
  // strict: exact case, whole tokens only
  t.deepEqual(align('Java', 'of Java ,', 'strict'), { label: 'SKILL', start: 2, end: 3 });
  t.is(align('java', 'of java ,', 'strict'), undefined);
  t.is(align('Scrip', 'Scrip', 'strict'), undefined);
  t.deepEqual(align('java-based tools', 'and java-based tools **', 'strict'), {
    label: 'SKILL',
    start: 6,
    end: 8,
  });
});

test('alignment sees html-unescaped tokens and Unicode word boundaries', (t) => {
  const target = alignTarget(['R&amp;D', 'in', 'Zürich', 'and', 'Zürichsee']);
  t.deepEqual(alignSpan(target, { label: 'SKILL', text: 'R&D', context: '** R&D in' }, 'strict'), {
    label: 'SKILL',
    start: 0,
    end: 1,
  });
  t.deepEqual(alignSpan(target, { label: 'SKILL', text: 'zürich', context: 'zürich' }, 'lenient'), {
    label: 'SKILL',
    start: 2,
    end: 3,
  });
});

test('llm metrics count answers, repaired, unparsable and unaligned spans', (t) => {
  const predictions: Prediction[] = [
    readAnswer(s1, answer([item('SQL', 'and SQL ;')]), lenient),
    readAnswer(s1, '{"SKILL": [{"skill_span": "SQL"', lenient),
    readAnswer(s1, 'nothing', lenient),
    readAnswer(s1, answer([item('Rust', ''), item('Go', '')]), lenient),
  ];
  t.deepEqual(llmAnswerMetrics(predictions), {
    'llm.answers': 4,
    'llm.repaired': 1,
    'llm.unparsable': 1,
    'llm.unaligned': 2,
  });
  t.deepEqual(llmAnswerMetrics([{ id: 'x', spans: [] }]), {});
});
