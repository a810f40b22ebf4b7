import test from 'ava';
import { backoffDelayMs } from '../../../harness/tracking/mlflow/retry.ts';

test('backoff grows exponentially with jitter, is capped, and honours Retry-After', (t) => {
  const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000, random: () => 0 };
  t.deepEqual(
    [1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(policy, attempt)),
    [50, 100, 200, 400, 500],
  );
  t.is(backoffDelayMs({ ...policy, random: () => 0.999999 }, 1), 100);
  t.is(backoffDelayMs(policy, 1, 0.7), 700);
  t.is(backoffDelayMs(policy, 1, 60), 1000);
});
