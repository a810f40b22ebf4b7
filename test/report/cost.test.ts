import test from 'ava';
import { costRow } from '../../harness/report/cost.ts';
import type { RunRecord } from '../../harness/runner/types.ts';

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
