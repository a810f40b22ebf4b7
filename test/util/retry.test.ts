import test from 'ava';
import { backoffDelayMs, parseRetryAfter, withRetry } from '../../harness/util/retry.ts';

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

test('withRetry retries transient failures with the Retry-After wait, stops at once on others', async (t) => {
  const policy = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 50, random: () => 0 };
  const waits: number[] = [];
  let calls = 0;
  const value = await withRetry(
    async () => {
      calls++;
      if (calls < 3) throw Object.assign(new Error('busy'), { retryAfter: 0.02 });
      return 'ok';
    },
    {
      policy,
      classify: (error) => ({
        transient: true,
        retryAfterSeconds: (error as { retryAfter: number }).retryAfter,
      }),
      onRetry: ({ delayMs }) => waits.push(delayMs),
    },
  );
  t.is(value, 'ok');
  t.deepEqual(waits, [20, 20]);

  let fatalCalls = 0;
  await t.throwsAsync(
    withRetry(
      async () => {
        fatalCalls++;
        throw new Error('401');
      },
      { policy, classify: () => ({ transient: false }) },
    ),
    { message: '401' },
  );
  t.is(fatalCalls, 1);

  let transientCalls = 0;
  await t.throwsAsync(
    withRetry(
      async () => {
        transientCalls++;
        throw new Error('503');
      },
      { policy, classify: () => ({ transient: true }) },
    ),
  );
  t.is(transientCalls, 4);
});

test('parseRetryAfter reads delta seconds and HTTP dates', (t) => {
  t.is(parseRetryAfter('3'), 3);
  t.is(parseRetryAfter(null), undefined);
  t.is(parseRetryAfter('soon'), undefined);
  const date = parseRetryAfter(new Date(Date.now() + 10_000).toUTCString());
  t.true(date !== undefined && date > 8 && date <= 10);
});
