import test from 'ava';
import { costRow } from '../../harness/report/cost.ts';
import { costView } from '../../harness/report/html/cost-view.ts';
import type { ReportModel } from '../../harness/report/model-types.ts';
import type { RunRecord } from '../../harness/tracking/types.ts';

test("the cost section lists the LLM kit's usage metrics (tokens, requests, cache hits, cost, latency), not scores", (t) => {
  const runs = [
    { id: 1, timings: {}, environment: undefined },
    { id: 2, timings: {}, environment: undefined },
  ] as unknown as RunRecord[];
  const metrics: Record<number, Record<string, number>> = {
    1: {
      'llm.prompt_tokens': 1000,
      'llm.requests': 10,
      'llm.cache_hits': 2,
      'llm.cost_usd': 0.5,
      'llm.latency_ms_mean': 400,
      'test.nervaluate.overall.f1': 0.3,
      'test.issues.retried': 2,
    },
    2: {
      'llm.prompt_tokens': 3000,
      'llm.requests': 30,
      'llm.cache_hits': 0,
      'llm.cost_usd': 1.5,
      'llm.latency_ms_mean': 600,
      'test.nervaluate.overall.f1': 0.4,
      'test.issues.retried': 1,
    },
  };
  const row = costRow('gpt', 'GPT', runs, (id) => metrics[id]);
  t.deepEqual(row.usage, [
    { name: 'llm.cache_hits', mean: 1 },
    { name: 'llm.cost_usd', mean: 1 },
    { name: 'llm.latency_ms_mean', mean: 500 },
    { name: 'llm.prompt_tokens', mean: 2000 },
    { name: 'llm.requests', mean: 20 },
  ]);
  const view = costView({ cost: [row] } as unknown as ReportModel);
  t.deepEqual(view.rows[0].usage, [
    'llm.cache_hits 1 per run',
    'llm.cost_usd $1.00 per run',
    'llm.latency_ms_mean 500 ms per run',
    'llm.prompt_tokens 2.0k per run',
    'llm.requests 20 per run',
  ]);
});

test('the cost row lists API usage and the answer counts of generative methods, not scores', (t) => {
  const runs = [1, 2].map((id) => ({ id, timings: {} }) as unknown as RunRecord);
  const metrics: Record<number, Record<string, number>> = {
    1: { 'llm.requests': 10, 'test.llm.unparsable': 2, 'test.llm.unaligned': 5, 'test.set.overall.f1': 0.5 },
    2: { 'llm.requests': 20, 'test.llm.unparsable': 4, 'test.llm.unaligned': 1, 'test.set.overall.f1': 0.6 },
  };
  const row = costRow('r', 'row', runs, (id) => metrics[id]);
  t.deepEqual(row.usage, [
    { name: 'llm.requests', mean: 15 },
    { name: 'test.llm.unaligned', mean: 3 },
    { name: 'test.llm.unparsable', mean: 3 },
  ]);
});
