import test from 'ava';
import { getLlama } from 'node-llama-cpp';
import { answerSchema, longestSpansAnswerBytes, spanItems } from '../../baselines/skill-llm/answer-schema.ts';
import { goldAnswer, serializeAnswer } from '../../baselines/skill-llm/format.ts';
import { loadDataset } from '../../harness/data/datasets.ts';

const options = { marker: '**', spanWidth: 12, maxItems: 16 };

test('spans decoding offers every span up to the width once, with its real neighbours', (t) => {
  const tokens = ['a', 'b', 'c', 'd', 'e'];
  const items = spanItems(tokens, { marker: '**', spanWidth: 2 });
  t.is(items.length, 5 + 4);
  t.deepEqual(items.slice(0, 3), [
    { skill_span: 'a', context: '** a b' },
    { skill_span: 'a b', context: '** a b c' },
    { skill_span: 'b', context: 'a b c' },
  ]);
  t.deepEqual(items.at(-1), { skill_span: 'e', context: 'd e **' });
  // a repeated phrase in the same surroundings is one alternative
  t.is(spanItems(['x', 'x', 'x'], { marker: '**', spanWidth: 1 }).length, 3);
  t.is(spanItems(['x', 'x', 'x', 'x'], { marker: '**', spanWidth: 1 }).length, 3);
  t.is(answerSchema(tokens, 'free', options), undefined);
});

test('the grammars node-llama-cpp builds from the schemas accept gold answers and reject hallucinations', async (t) => {
  const llama = await getLlama({ gpu: false, build: 'never' });
  const sentences = loadDataset('skillspan:train')
    .sentences.filter((s) => s.spans.length > 0 && s.spans.every((span) => span.end - span.start <= 12))
    .slice(0, 12);
  for (const sentence of sentences) {
    const gold = serializeAnswer(goldAnswer(sentence, options));
    for (const decoding of ['spans', 'json'] as const) {
      const grammar = await llama.createGrammarForJsonSchema(
        answerSchema(sentence.tokens, decoding, options) as never,
      );
      t.notThrows(() => grammar.parse(gold), `${decoding} ${sentence.id}`);
    }
    const spans = await llama.createGrammarForJsonSchema(
      answerSchema(sentence.tokens, 'spans', options) as never,
    );
    const invented = gold.replace(/"skill_span": "/, '"skill_span": "Kubernetes ');
    t.throws(() => spans.parse(invented), undefined, sentence.id);
    t.true(longestSpansAnswerBytes(sentence.tokens, options) > Buffer.byteLength(gold));
  }
  // json decoding still checks the shape
  const json = await llama.createGrammarForJsonSchema(answerSchema(['a'], 'json', options) as never);
  t.throws(() => json.parse('{"SKILL": [{"skill_span": "a"}], "KNOWLEDGE": []}'));
});
