import { readFileSync } from 'node:fs';
import test from 'ava';
import {
  checkExtractAnswer,
  extractAnswerToBioLegacy,
  extractAnswerToSpans,
  extractGoldAnswer,
} from '../../baselines/llm-prompt/extract-style.ts';
import { nerAnswerToBio, nerGoldAnswer, repairNerAnswer } from '../../baselines/llm-prompt/ner-style.ts';
import { TfidfIndex } from '../../baselines/llm-prompt/tfidf.ts';
import { projectPath } from '../../harness/util/paths.ts';

interface Vectors {
  ner_style: {
    sentence: string;
    model_output: string;
    repaired_output: string;
    invalid_triggers_feedback: boolean;
    valid_tagged_spans_for_feedback: string[];
    bio_if_accepted: string[] | null;
  }[];
  extract_style: {
    sentence: string;
    model_output: string;
    invalid_triggers_feedback: boolean;
    bio_if_accepted: string[] | null;
  }[];
}

const vectors = JSON.parse(
  readFileSync(projectPath('fixtures', 'llm-prompting', 'postprocess-test-vectors.json'), 'utf8'),
) as Vectors;

test('NER style: repair, check and tag walk give what the original gave on every vector', (t) => {
  t.is(vectors.ner_style.length, 15);
  for (const vector of vectors.ner_style) {
    const result = repairNerAnswer(vector.sentence, vector.model_output);
    const label = JSON.stringify(vector.model_output);
    t.is(result.repaired, vector.repaired_output, label);
    t.is(result.mismatch, vector.invalid_triggers_feedback, label);
    t.deepEqual(result.validSpans, vector.valid_tagged_spans_for_feedback, label);
    if (vector.bio_if_accepted) t.deepEqual(nerAnswerToBio(result.repaired), vector.bio_if_accepted, label);
  }
});

test('extract style: check and legacy mapping give what the original gave on every vector', (t) => {
  t.is(vectors.extract_style.length, 11);
  for (const vector of vectors.extract_style) {
    const label = JSON.stringify(vector.model_output);
    t.is(
      checkExtractAnswer(vector.sentence, vector.model_output).valid,
      !vector.invalid_triggers_feedback,
      label,
    );
    const { tags } = extractAnswerToBioLegacy(vector.sentence.split(' '), vector.model_output);
    if (vector.bio_if_accepted) t.deepEqual(tags, vector.bio_if_accepted, label);
  }
});

test('extract style: the token mapping places lines as whole token sequences and reports the rest', (t) => {
  const tokens = 'Design systems and review system design docs'.split(' ');
  t.deepEqual(extractAnswerToSpans(tokens, 'design docs').spans, [{ start: 5, end: 7 }]);
  t.deepEqual(extractAnswerToSpans(tokens, 'design docs\ndesign docs').spans, [{ start: 5, end: 7 }]);
  t.deepEqual(extractAnswerToSpans(tokens, 'design\ndesign').spans, [
    { start: 0, end: 1 },
    { start: 5, end: 6 },
  ]);
  const python = 'Experience with Python , Java and SQL .'.split(' ');
  t.deepEqual(extractAnswerToSpans(python, 'ython\nSQL'), {
    spans: [{ start: 6, end: 7 }],
    unplaced: ['ython'],
  });
  t.deepEqual(extractAnswerToSpans(python, 'None').spans, []);
  t.deepEqual(extractAnswerToSpans(python, 'Python\n\nJava').spans, [
    { start: 2, end: 3 },
    { start: 4, end: 5 },
  ]);
});

test('gold answers of demonstrations: lines left to right or None; @@ ## glued to the span ends', (t) => {
  const tokens = 'Drive our IT compliance agenda and develop our processes'.split(' ');
  const spans = [
    { start: 6, end: 9 },
    { start: 0, end: 5 },
  ];
  t.is(extractGoldAnswer(tokens, spans), 'Drive our IT compliance agenda\ndevelop our processes');
  t.is(extractGoldAnswer(tokens, []), 'None');
  t.is(nerGoldAnswer(tokens, spans), '@@Drive our IT compliance agenda## and @@develop our processes##');
  t.is(nerGoldAnswer(['Python'], [{ start: 0, end: 1 }]), '@@Python##');
});

test('TF-IDF ranks the sentence sharing rare words first; ties keep pool order', (t) => {
  const index = new TfidfIndex([
    ['we', 'need', 'a', 'team', 'player'],
    ['Python', 'and', 'SQL', 'required'],
    ['a', 'team', 'of', 'ten'],
    ['unrelated', 'words'],
  ]);
  t.deepEqual(index.ranked(['python', 'sql']).slice(0, 1), [1]);
  t.deepEqual(index.ranked(['nothing', 'shared']), [0, 1, 2, 3]);
  t.is(index.ranked(['team', 'player'])[0], 0);
});
