import test from 'ava';
import { demoChooser, embeddingRanker, tfidfRanker } from '../../baselines/llm-prompt/demos.ts';
import { llmPromptParams } from '../../baselines/llm-prompt/params.ts';
import type { Sentence } from '../../harness/data/types.ts';
import { LlmClient } from '../../harness/llm/client.ts';
import { llmConfig } from '../../harness/llm/config.ts';
import { createEngine } from '../../harness/llm/engines.ts';
import { startFakeChatServer } from '../helpers/fake-chat-server.ts';

const sentence = (id: number, text: string, skill: boolean): Sentence => ({
  id: `train:${id}`,
  docId: 0,
  tokens: text.split(' '),
  source: 'tech',
  spans: skill ? [{ label: 'SKILL', start: 0, end: 1 }] : [{ label: 'KNOWLEDGE', start: 0, end: 1 }],
});

const pool = [
  sentence(0, 'write Python code', true),
  sentence(1, 'lead a team', true),
  sentence(2, 'Python experience', false),
  sentence(3, 'office in Berlin', false),
  sentence(4, 'manage the Python build', true),
  sentence(5, 'salary and benefits', false),
];
const test0 = { ...sentence(9, 'Python developer wanted', false), id: 'test:0' };
const params = (extra: Record<string, unknown>) =>
  llmPromptParams.parse({ style: 'extract', llm: { model: 'm' }, shots: 2, ...extra });

test('knn: the k nearest positives and negatives (positive = has a span of the label), shuffled; random and positives-only are fixed per run', async (t) => {
  const knn = demoChooser(pool, pool, params({}), 'SKILL', '.', 1, tfidfRanker(pool));
  const chosen = await knn(test0);
  t.deepEqual(chosen.map((s) => s.id).sort(), ['train:0', 'train:2', 'train:3', 'train:4'].sort());
  t.deepEqual(await knn(test0), chosen, 'seeded per sentence');
  const byKnowledge = await demoChooser(
    pool,
    pool,
    params({}),
    'KNOWLEDGE',
    '.',
    1,
    tfidfRanker(pool),
  )(test0);
  t.is(byKnowledge.filter((s) => s.spans.some((span) => span.label === 'KNOWLEDGE')).length, 2);

  const random = demoChooser(pool, pool, params({ demos: 'random' }), 'SKILL', '.', 1, tfidfRanker(pool));
  const fixed = await random(test0);
  t.is(fixed.filter((s) => s.spans.some((span) => span.label === 'SKILL')).length, 2);
  t.is(fixed.length, 4);
  t.deepEqual(await random({ ...test0, id: 'test:1' }), fixed);
  const positives = await demoChooser(
    pool,
    pool,
    params({ demos: 'positives-only', shots: 1 }),
    'SKILL',
    '.',
    1,
    tfidfRanker(pool),
  )(test0);
  t.true(positives.length === 2 && positives.every((s) => s.spans.some((span) => span.label === 'SKILL')));
});

test('knn over an embeddings endpoint: nearest by cosine, pool embedded once and cached', async (t) => {
  // a vector per text: how much it is about Python, about people, about money
  const embed = (text: string) => [
    /Python/.test(text) ? 1 : 0,
    /team|lead|manage/.test(text) ? 1 : 0,
    /salary/.test(text) ? 1 : 0.1,
  ];
  const server = await startFakeChatServer(() => ({ content: 'unused' }), embed);
  t.teardown(() => server.close());
  process.env.SKILLBENCH_EMBED_KEY = 'k';
  const client = new LlmClient({
    engine: createEngine(
      llmConfig.parse({ model: 'embed', base_url: server.baseUrl, api_key_env: 'SKILLBENCH_EMBED_KEY' }),
      '.',
    ),
    concurrency: 1,
  });
  const ranker = await embeddingRanker(pool, client);
  t.deepEqual(server.embeddingCalls.length, 1);
  const ranked = await ranker(test0);
  t.deepEqual(ranked.slice(0, 2).sort(), [0, 2]);
  t.is(ranked.at(-1), 1, 'about people, not Python: the farthest');
  const chosen = await demoChooser(
    pool,
    pool,
    params({ similarity: 'embeddings', embeddings: { model: 'embed' } }),
    'SKILL',
    '.',
    1,
    ranker,
  )(test0);
  t.true(chosen.some((s) => s.id === 'train:0'));
  t.throws(() => params({ similarity: 'embeddings' }), { message: /needs embeddings/ });
});
