/**
 * LLM kit benchmark (issue 12): requests per second through LlmClient against a local
 * OpenAI-compatible server that answers after 50 ms, at concurrency 1, 8 and 32 (target: within
 * 10% of the ideal, concurrency / 50 ms; baseline: plain fetch at the same concurrency against the
 * same server, measured in the same run, which shows what the machine allows), and cache-hit
 * lookups per second through the client (baseline: the store's own cacheGet). Run alone with
 * `node --import=tsx bench/llm.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cacheKey } from '../harness/llm/cache-key.ts';
import { LlmClient } from '../harness/llm/client.ts';
import { llmConfig } from '../harness/llm/config.ts';
import { createEngine } from '../harness/llm/engines.ts';
import { RunStore } from '../harness/tracking/store.ts';
import { startFakeChatServer } from '../test/helpers/fake-chat-server.ts';
import type { BenchResult } from './scoring.ts';

const LATENCY_MS = 50;
const TARGET_RATIO = 0.9;
/** each concurrency level runs for about this long at the ideal rate */
const SECONDS_PER_LEVEL = 2;

/** Plain fetch with `concurrency` workers: what the machine and the server allow, without the kit. */
async function fetchRate(baseUrl: string, concurrency: number, count: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const body = JSON.stringify({
          model: 'bench',
          messages: [{ role: 'user', content: `plain ${next++}` }],
        });
        const response = await fetch(`${baseUrl}/chat/completions`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
        });
        await response.text();
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

function request(index: number) {
  return {
    messages: [{ role: 'user' as const, content: `question ${index}` }],
    decoding: { temperature: 0 },
  };
}

export async function runLlmBench(log: (line: string) => void = console.log): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const server = await startFakeChatServer(() => ({ content: 'answer', delayMs: LATENCY_MS }));
  process.env.SKILLBENCH_BENCH_KEY = 'bench';
  const config = llmConfig.parse({
    model: 'bench',
    base_url: server.baseUrl,
    api_key_env: 'SKILLBENCH_BENCH_KEY',
  });
  try {
    let offset = 0;
    for (const concurrency of [1, 8, 32]) {
      const client = new LlmClient({ engine: createEngine(config, '.'), concurrency });
      const ideal = (concurrency * 1000) / LATENCY_MS;
      const count = Math.round(ideal * SECONDS_PER_LEVEL);
      const kitRate = async () => {
        const started = performance.now();
        await Promise.all(Array.from({ length: count }, (_, i) => client.chat(request(offset + i))));
        offset += count;
        return count / ((performance.now() - started) / 1000);
      };
      // warm-up (connections, JIT), then each side twice, alternating; the better of each counts
      await Promise.all(Array.from({ length: concurrency }, (_, i) => client.chat(request(offset + i))));
      offset += concurrency;
      await fetchRate(server.baseUrl, concurrency, concurrency);
      const kit: number[] = [];
      const plain: number[] = [];
      for (let round = 0; round < 2; round++) {
        kit.push(await kitRate());
        plain.push(await fetchRate(server.baseUrl, concurrency, count));
      }
      const perSecond = Math.max(...kit);
      const plainBest = Math.max(...plain);
      const ratio = perSecond / ideal;
      results.push({
        name: `requests/s at concurrency ${concurrency} (50 ms server)`,
        value: perSecond,
        unit: 'req/s',
        target: TARGET_RATIO,
        pass: ratio >= TARGET_RATIO,
        detail: `best of 2 x ${count} requests; ideal ${ideal.toFixed(0)} req/s: ratio ${ratio.toFixed(3)} (target >= ${TARGET_RATIO}); plain fetch in the same run ${plainBest.toFixed(0)} req/s: kit / plain ${(perSecond / plainBest).toFixed(3)}`,
      });
    }
  } finally {
    await server.close();
  }

  const dir = mkdtempSync(join(tmpdir(), 'skillbench-llm-bench-'));
  const store = new RunStore(join(dir, 'runs.db'));
  try {
    const cache = {
      get: (key: string) => store.cacheGet(key),
      set: (key: string, value: string) => store.cacheSet(key, value),
    };
    const cached = llmConfig.parse({
      model: 'bench',
      base_url: 'http://127.0.0.1:9/v1',
      api_key_env: 'SKILLBENCH_BENCH_KEY',
    });
    const client = new LlmClient({ engine: createEngine(cached, '.'), cache, concurrency: 8 });
    const identity = await client.engine.identity();
    const entries = 2000;
    const keys: string[] = [];
    for (let i = 0; i < entries; i++) {
      const key = cacheKey(identity, request(i));
      keys.push(key);
      store.cacheSet(
        key,
        JSON.stringify({
          text: `answer ${i}`,
          model: 'bench',
          usage: { promptTokens: 1, completionTokens: 1 },
          finishReason: 'stop',
        }),
      );
    }
    const lookups = 20_000;
    let started = performance.now();
    for (let i = 0; i < lookups; i++) store.cacheGet(keys[i % entries]);
    const rawPerSecond = lookups / ((performance.now() - started) / 1000);
    started = performance.now();
    for (let i = 0; i < lookups; i++) await client.chat(request(i % entries));
    const clientPerSecond = lookups / ((performance.now() - started) / 1000);
    results.push({
      name: 'cache-hit lookups/s through the client',
      value: clientPerSecond,
      unit: 'lookups/s',
      detail: `${lookups} hits over ${entries} entries (SQLite file, hit counters updated); the store's cacheGet alone: ${rawPerSecond.toFixed(0)}/s; ratio ${(clientPerSecond / rawPerSecond).toFixed(3)} (the rest is hashing the request)`,
    });
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }

  log('LLM kit bench');
  for (const r of results) {
    const verdict = r.pass === undefined ? '' : r.pass ? ' (pass)' : ' (MISSED)';
    log(`  ${r.name}: ${r.value.toFixed(0)} ${r.unit}${verdict}; ${r.detail}`);
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await runLlmBench();
  process.exitCode = results.some((r) => r.pass === false) ? 1 : 0;
}
