import test from 'ava';
import {
  decodeExample,
  exampleLogits,
  greedySearch,
  toCharEntities,
  type WordSpan,
} from '../../baselines/gliner/decode.ts';
import { splitWords } from '../../baselines/gliner/words.ts';
import { inferenceCases } from './fixture.ts';

const span = (start: number, end: number, score: number, label = 'Skill'): WordSpan => ({
  start,
  end,
  label,
  score,
});
const plain = (spans: WordSpan[]) => spans.map((s) => [s.start, s.end, s.label, s.score]);

test('flat decoding drops anything overlapping a better span, nested keeps full nesting', (t) => {
  const candidates = [
    span(0, 4, 0.9),
    span(1, 2, 0.8, 'Knowledge'),
    span(3, 6, 0.7),
    span(6, 6, 0.6, 'Knowledge'),
  ];
  t.deepEqual(plain(greedySearch(candidates, { flat: true })), [
    [0, 4, 'Skill', 0.9],
    [6, 6, 'Knowledge', 0.6],
  ]);
  // nested: (1, 2) sits inside (0, 4); (3, 6) crosses (0, 4); (6, 6) is outside
  t.deepEqual(plain(greedySearch(candidates, { flat: false })), [
    [0, 4, 'Skill', 0.9],
    [1, 2, 'Knowledge', 0.8],
    [6, 6, 'Knowledge', 0.6],
  ]);
});

test('identical boundaries conflict unless multi_label, in both modes', (t) => {
  const candidates = [span(2, 3, 0.7, 'Knowledge'), span(2, 3, 0.9)];
  for (const flat of [true, false]) {
    t.deepEqual(plain(greedySearch(candidates, { flat })), [[2, 3, 'Skill', 0.9]]);
    t.deepEqual(plain(greedySearch(candidates, { flat, multiLabel: true })), [
      [2, 3, 'Skill', 0.9],
      [2, 3, 'Knowledge', 0.7],
    ]);
  }
});

test('ties keep the row-major candidate order; touching spans (end == next start) overlap', (t) => {
  // equal scores: the earlier candidate (smaller start, then width, then class) wins
  t.deepEqual(plain(greedySearch([span(1, 2, 0.5), span(2, 3, 0.5)], { flat: true })), [
    [1, 2, 'Skill', 0.5],
  ]);
  t.deepEqual(plain(greedySearch([span(2, 3, 0.5), span(1, 2, 0.5)], { flat: true })), [
    [2, 3, 'Skill', 0.5],
  ]);
  // adjacent (no shared word) is no conflict; the result is sorted by start
  t.deepEqual(plain(greedySearch([span(3, 4, 0.9), span(0, 2, 0.5)], { flat: true })), [
    [0, 2, 'Skill', 0.5],
    [3, 4, 'Skill', 0.9],
  ]);
});

test('the threshold is strict and spans past the text or padded classes never decode', (t) => {
  // one word, width 2, classes 2: logit 0 is p = 0.5 exactly
  const logits = { data: new Float32Array([0, 5, 9, 9]), words: 1, width: 2, classes: 2 };
  t.deepEqual(plain(decodeExample(logits, 1, ['Skill'], { threshold: 0.5, flat: true })), []);
  const below = decodeExample(logits, 1, ['Skill'], { threshold: 0.4999, flat: true });
  t.deepEqual(plain(below), [[0, 0, 'Skill', 0.5]]);
  t.is(
    decodeExample(logits, 1, ['Skill', 'Knowledge'], { threshold: 0.5, flat: true })[0].label,
    'Knowledge',
  );
});

test("GLiNER's own decoded entities on the fixture logits, flat and nested, at every recorded threshold", (t) => {
  let checked = 0;
  for (const c of inferenceCases()) {
    const [, L, K, C] = c.logits.shape;
    const all = Float32Array.from(c.logits.data);
    for (const decoded of c.decoded) {
      c.sentences.forEach((sentence, b) => {
        const words = splitWords(sentence.text);
        const spans = decodeExample(
          exampleLogits(all, b, { words: L, width: K, classes: C }),
          words.length,
          c.labels,
          {
            threshold: decoded.threshold,
            flat: decoded.flat_ner,
          },
        );
        t.deepEqual(
          spans.map((s) => [s.start, s.end, s.label]),
          decoded.word_spans[b].map(([start, end, label]) => [start, end, label]),
        );
        const entities = toCharEntities(sentence.text, words, spans);
        const expected = decoded.entities[b];
        t.deepEqual(
          entities.map(({ start, end, text, label }) => ({ start, end, text, label })),
          expected.map(({ start, end, text, label }) => ({ start, end, text, label })),
        );
        for (const [i, e] of entities.entries()) t.true(Math.abs(e.score - expected[i].score) < 1e-7);
        checked++;
      });
    }
  }
  t.true(checked >= 60);
});
