import { join } from 'node:path';
import test from 'ava';
import { LlmClient } from '../../harness/llm/client.ts';
import { type LlmConfig, llmConfig, llmUnavailable } from '../../harness/llm/config.ts';
import { createEngine, decodingOf } from '../../harness/llm/engines.ts';
import { priceOf } from '../../harness/llm/prices.ts';
import { LlmError } from '../../harness/llm/types.ts';
import { UsageLedger } from '../../harness/llm/usage.ts';
import { RunStore } from '../../harness/tracking/store.ts';
import { startFakeChatServer } from '../helpers/fake-chat-server.ts';
import { tempDir } from '../helpers/tmp.ts';

const FAST_BACKOFF = { baseDelayMs: 5, maxDelayMs: 2000, random: () => 0 };
const KEY = 'sk-test-secret-key-1234567890';

function config(baseUrl: string, extra: Partial<LlmConfig> = {}): LlmConfig {
  return llmConfig.parse({
    engine: 'openai',
    model: 'gpt-test',
    base_url: baseUrl,
    api_key_env: 'SKILLBENCH_TEST_KEY',
    ...extra,
  });
}

function storeCache() {
  const store = new RunStore(':memory:');
  return {
    store,
    cache: {
      get: (key: string) => store.cacheGet(key),
      set: (key: string, value: string) => store.cacheSet(key, value),
    },
  };
}

test.before(() => {
  process.env.SKILLBENCH_TEST_KEY = KEY;
});

const request = (text: string) => ({
  messages: [{ role: 'user' as const, content: text }],
  decoding: decodingOf(llmConfig.parse({ model: 'm' }), 1),
});

test('answers come from the server once, then from the cache; errors are not cached', async (t) => {
  const server = await startFakeChatServer((call) =>
    call.messages[0].content === 'bad'
      ? { status: 400 }
      : {
          content: `echo ${call.messages[0].content}`,
          promptTokens: 100,
          completionTokens: 20,
          model: 'gpt-3.5-turbo-0125',
        },
  );
  t.teardown(() => server.close());
  const { store, cache } = storeCache();
  const client = new LlmClient({
    engine: createEngine(config(server.baseUrl), '.'),
    cache,
    concurrency: 2,
    backoff: FAST_BACKOFF,
  });
  const first = await client.chat(request('hello'));
  t.is(first.text, 'echo hello');
  t.false(first.cached);
  t.is(first.model, 'gpt-3.5-turbo-0125');
  const second = await client.chat(request('hello'));
  t.true(second.cached);
  t.is(second.text, 'echo hello');
  t.is(server.calls.length, 1);
  t.is(server.calls[0].temperature, 0);
  t.is(server.calls[0].authorization, `Bearer ${KEY}`);
  await t.throwsAsync(client.chat(request('bad')), { instanceOf: LlmError });
  await t.throwsAsync(client.chat(request('bad')), { instanceOf: LlmError });
  t.is(server.calls.length, 3, 'a 400 is neither retried nor cached');
  const metrics = client.usage.metrics();
  t.is(metrics['llm.requests'], 3);
  t.is(metrics['llm.cache_hits'], 1);
  t.is(metrics['llm.failed_requests'], 2);
  t.is(metrics['llm.prompt_tokens'], 100);
  t.is(metrics['llm.completion_tokens'], 20);
  t.is(metrics['llm.cost_usd'], (100 * 0.5 + 20 * 1.5) / 1e6);
  t.is(store.cacheEntries().length, 1);
  t.regex(store.cacheEntries()[0].key, /^llm\/openai\/gpt-test\/[0-9a-f]{64}$/);
  t.false(JSON.stringify(store.cacheEntries()).includes(KEY));
});

test('429 with Retry-After, 5xx and timeouts are retried; the wait honours Retry-After', async (t) => {
  const server = await startFakeChatServer((_call, index) => {
    if (index === 0) return { status: 429, headers: { 'retry-after': '0.3' } };
    if (index === 1) return { status: 503 };
    if (index === 2) return { content: 'late', delayMs: 2500 };
    return { content: 'ok' };
  });
  t.teardown(() => server.close());
  const retries: string[] = [];
  const client = new LlmClient({
    engine: createEngine(config(server.baseUrl, { timeout_s: 1 }), '.'),
    concurrency: 1,
    backoff: FAST_BACKOFF,
    log: (line) => retries.push(line),
  });
  const started = performance.now();
  const answer = await client.chat(request('x'));
  t.is(answer.text, 'ok');
  t.is(answer.attempts, 4);
  t.true(performance.now() - started >= 300, 'waited at least the Retry-After');
  t.is(retries.length, 3);
  t.regex(retries.join('\n'), /within 1 s/);
  t.is(client.usage.totals.failed_requests, 3);
});

test('401, 403 and 404 fail at once without retries, and the key is never in the message', async (t) => {
  for (const status of [401, 403, 404]) {
    const server = await startFakeChatServer(() => ({
      status,
      body: { error: { message: `Incorrect API key provided: ${KEY}`, type: 'invalid_request_error' } },
    }));
    const client = new LlmClient({
      engine: createEngine(config(server.baseUrl), '.'),
      concurrency: 1,
      backoff: FAST_BACKOFF,
    });
    const error = await t.throwsAsync(client.chat(request('x')), { instanceOf: LlmError });
    t.is(error?.kind, 'fatal');
    t.is(error?.status, status);
    t.false(error?.message.includes(KEY), error?.message);
    t.false(error?.message.includes('sk-test'), error?.message);
    t.is(server.calls.length, 1);
    await server.close();
  }
});

test('the request budget stops the run with what it has cached; tries are counted', async (t) => {
  const server = await startFakeChatServer((call) => ({ content: call.messages[0].content }));
  t.teardown(() => server.close());
  const { cache } = storeCache();
  const client = new LlmClient({
    engine: createEngine(config(server.baseUrl), '.'),
    cache,
    concurrency: 1,
    requestBudget: 2,
    backoff: FAST_BACKOFF,
  });
  await client.chat(request('a'));
  await client.chat(request('b'));
  await client.chat(request('a'));
  const error = await t.throwsAsync(client.chat(request('c')), { instanceOf: LlmError });
  t.is(error?.kind, 'budget');
  t.is(server.calls.length, 2);
});

test('concurrency is limited to the configured number of requests in flight', async (t) => {
  let inFlight = 0;
  let most = 0;
  const server = await startFakeChatServer(() => {
    inFlight++;
    most = Math.max(most, inFlight);
    setTimeout(() => inFlight--, 40);
    return { content: 'x', delayMs: 40 };
  });
  t.teardown(() => server.close());
  const client = new LlmClient({
    engine: createEngine(config(server.baseUrl), '.'),
    concurrency: 3,
    backoff: FAST_BACKOFF,
  });
  await Promise.all(Array.from({ length: 10 }, (_, i) => client.chat(request(`q${i}`))));
  t.is(server.calls.length, 10);
  t.is(most, 3);
  // the same question twice at once is sent once
  const [a, b] = await Promise.all([client.chat(request('same')), client.chat(request('same'))]);
  t.is(server.calls.length, 11);
  t.is(a.text, b.text);
  t.true(b.cached);
});

test('usage persists across ledgers on the same file; prices match exact names, then the longest prefix', (t) => {
  const file = join(tempDir(t), 'usage.json');
  const first = new UsageLedger(file);
  first.add({ requests: 2, prompt_tokens: 10, latency_ms_max: 5 });
  const second = new UsageLedger(file);
  second.add({ requests: 1, latency_ms_max: 3 });
  t.is(second.totals.requests, 3);
  t.is(second.totals.prompt_tokens, 10);
  t.is(second.totals.latency_ms_max, 5);
  t.is(priceOf('gpt-4-0613')?.input_per_mtok, 30);
  t.is(priceOf('gpt-4o-mini-2024-07-18')?.input_per_mtok, 0.15);
  t.is(priceOf('gpt-4-0613', { 'gpt-4-0613': { input_per_mtok: 1, output_per_mtok: 2 } })?.input_per_mtok, 1);
  t.is(priceOf('llama-3'), undefined);
});

test('availability: OpenAI needs the key variable, a self-hosted server and a present GGUF do not', (t) => {
  const withoutKey = llmConfig.parse({ model: 'gpt-4', api_key_env: 'SKILLBENCH_UNSET_KEY' });
  t.regex(llmUnavailable(withoutKey, '.') ?? '', /SKILLBENCH_UNSET_KEY is not set/);
  t.is(llmUnavailable({ ...withoutKey, base_url: 'http://127.0.0.1:9/v1' }, '.'), undefined);
  const local = llmConfig.parse({ engine: 'llama-cpp', model_path: 'absent.gguf' });
  t.regex(llmUnavailable(local, '/nowhere') ?? '', /no GGUF model at \/nowhere\/absent.gguf/);
  t.throws(() => llmConfig.parse({ engine: 'openai' }), { message: /needs a model name/ });
});

test('embeddings: vectors in order, each text asked once and cached', async (t) => {
  const server = await startFakeChatServer(
    () => ({ content: 'unused' }),
    (text) => [text.length, text.includes('Python') ? 1 : 0],
  );
  t.teardown(() => server.close());
  const { cache } = storeCache();
  const client = new LlmClient({
    engine: createEngine(config(server.baseUrl, { model: 'embed-test' }), '.'),
    cache,
    concurrency: 2,
    backoff: FAST_BACKOFF,
  });
  const vectors = await client.embed(['a Python job', 'xy', 'a Python job'], 2);
  t.deepEqual(vectors, [
    [12, 1],
    [2, 0],
    [12, 1],
  ]);
  t.deepEqual(server.embeddingCalls, [['a Python job', 'xy']]);
  t.deepEqual(await client.embed(['xy', 'new']), [
    [2, 0],
    [3, 0],
  ]);
  t.deepEqual(server.embeddingCalls.at(-1), ['new']);
  t.is(client.usage.totals.cache_hits, 1);
});
