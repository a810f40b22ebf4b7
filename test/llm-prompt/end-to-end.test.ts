/**
 * The llm-prompt method end to end through the real CLI (a child process) against a real HTTP
 * server on 127.0.0.1 that answers in both styles: well-formed, malformed then fixed on re-ask,
 * never fixed, 429 with Retry-After, slower than the timeout.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import type { Span } from '../../harness/data/types.ts';
import { RunStore } from '../../harness/tracking/store.ts';
import { CLI, runCli } from '../helpers/cli.ts';
import { type ChatCall, type FakeReply, startFakeChatServer } from '../helpers/fake-chat-server.ts';
import { writeRandomGguf } from '../helpers/random-gguf.ts';
import { tempDir } from '../helpers/tmp.ts';

interface Row {
  tokens: string[];
  skill?: [number, number][];
}

const TRAIN: Row[] = [
  { tokens: 'Experience with Python is required'.split(' '), skill: [[2, 3]] },
  { tokens: 'You will manage the team'.split(' '), skill: [[2, 5]] },
  { tokens: 'Good communication skills'.split(' '), skill: [[1, 3]] },
  { tokens: 'We are based in Berlin'.split(' ') },
  { tokens: 'Apply now'.split(' ') },
  { tokens: 'Competitive salary and benefits'.split(' ') },
];

const TEST: Row[] = [
  {
    tokens: 'Experience with Java , SQL and Python .'.split(' '),
    skill: [
      [2, 3],
      [4, 5],
    ],
  },
  { tokens: 'Strong communication skills'.split(' '), skill: [[1, 3]] },
  { tokens: 'Manage a small team'.split(' '), skill: [[0, 4]] },
  { tokens: 'Drive our compliance agenda'.split(' '), skill: [[0, 4]] },
  { tokens: 'Write clean code'.split(' '), skill: [[0, 3]] },
  { tokens: 'Nothing to see here .'.split(' ') },
];

function writeSplit(path: string, rows: Row[]): void {
  const lines = rows.map((row, index) => {
    const tags = row.tokens.map(() => 'O');
    for (const [start, end] of row.skill ?? [])
      for (let i = start; i < end; i++) tags[i] = i === start ? 'B' : 'I';
    return JSON.stringify({
      idx: index,
      tokens: row.tokens,
      tags_skill: tags,
      tags_knowledge: row.tokens.map(() => 'O'),
      source: 'tech',
    });
  });
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** The sentence a conversation asks about, and how many answers it already got for it (re-asks). */
function parseCall(call: ChatCall): { sentence: string; reask: number; ner: boolean } {
  const last = call.messages.findLastIndex(
    (message) => message.role === 'user' && message.content.startsWith('Sentence: '),
  );
  return {
    sentence: call.messages[last].content.slice('Sentence: '.length),
    reask: call.messages.slice(last).filter((message) => message.role === 'assistant').length,
    ner: call.messages[0].content.includes('@@'),
  };
}

/** The scripted model: each test sentence exercises one path. */
function scriptedModel(): (call: ChatCall) => FakeReply {
  const seen = new Map<string, number>();
  return (call) => {
    const { sentence, reask, ner } = parseCall(call);
    const visits = (seen.get(sentence) ?? 0) + 1;
    seen.set(sentence, visits);
    switch (sentence) {
      case 'Experience with Java , SQL and Python .':
        // well-formed (NER: punctuation glued to the tags, which the repair fixes)
        return { content: ner ? 'Experience with @@Java##, @@SQL## and Python.' : 'Java\nSQL' };
      case 'Strong communication skills':
        if (reask === 0)
          return { content: ner ? 'Strong @@Communication skills##' : '- communication skills' };
        return { content: ner ? 'Strong @@communication skills##' : 'communication skills' };
      case 'Manage a small team':
        return { content: ner ? '@@Manage a team##' : '- Manage a team' };
      case 'Drive our compliance agenda':
        if (visits === 1) return { status: 429, headers: { 'retry-after': '1' } };
        return { content: ner ? '@@Drive our compliance agenda##' : 'Drive our compliance agenda' };
      case 'Write clean code':
        if (visits === 1) return { content: 'too late', delayMs: 4500 };
        return { content: ner ? '@@Write clean code##' : 'Write clean code' };
      default:
        return { content: ner ? sentence : 'None' };
    }
  };
}

function setUp(
  t: Parameters<typeof tempDir>[0],
  baseUrl: string,
  style: 'extract' | 'ner',
  extra = '',
): { file: string; store: string } {
  const dir = tempDir(t);
  writeSplit(join(dir, 'train.jsonl'), TRAIN);
  writeSplit(join(dir, 'test.jsonl'), TEST);
  const file = join(dir, `${style}.yaml`);
  writeFileSync(
    file,
    `name: prompt-${style}
method: llm-prompt
params:
  style: ${style}
  llm: { engine: openai, model: gpt-test, base_url: "${baseUrl}", api_key_env: SKILLBENCH_E2E_KEY, timeout_s: 2, max_backoff_s: 3, concurrency: 2 }
  shots: 2
${extra}dataset: { train: train.jsonl, dev: null, test: test.jsonl, labels: [SKILL] }
`,
  );
  return { file, store: join(dir, 'runs.db') };
}

const env = { SKILLBENCH_E2E_KEY: 'sk-e2e-secret-0123456789' };

interface RunJson {
  id: number;
  status: string;
  cached: boolean;
  metrics: Record<string, number>;
}

async function run(file: string, store: string, ...flags: string[]): Promise<RunJson> {
  const result = await runCli(['run', '--no-report', file, '--store', store, '--format', 'json', ...flags], {
    env,
  });
  if (result.code !== 0) throw new Error(`skillbench run failed (${result.code}): ${result.stderr}`);
  return (JSON.parse(result.stdout) as RunJson[])[0];
}

function predictions(store: string, runId: number) {
  const opened = new RunStore(store);
  try {
    return { predictions: opened.predictions(runId, 'test'), run: opened.getRun(runId)! };
  } finally {
    opened.close();
  }
}

const spansOf = (spans: Span[]) => spans.map((span) => `${span.label}:${span.start}-${span.end}`);

for (const style of ['extract', 'ner'] as const) {
  test(`${style} style end to end: spans, re-asks, failures, retries, scores; a second run asks nothing`, async (t) => {
    const server = await startFakeChatServer(scriptedModel());
    t.teardown(() => server.close());
    const { file, store } = setUp(t, server.baseUrl, style);
    const first = await run(file, store);
    t.is(first.status, 'finished');
    const { predictions: list, run: record } = predictions(store, first.id);
    const byId = new Map(list.map((prediction) => [prediction.id, prediction]));

    t.deepEqual(spansOf(byId.get('test:0')!.spans), ['SKILL:2-3', 'SKILL:4-5']);
    t.deepEqual(spansOf(byId.get('test:1')!.spans), ['SKILL:1-3']);
    t.deepEqual(
      byId.get('test:1')!.issues?.map((issue) => issue.kind),
      ['retried'],
    );
    t.regex(byId.get('test:1')!.raw ?? '', /re-ask 1/);
    // never fixed: 1 answer + 3 re-asks, the prediction is empty and marked unparsable
    t.deepEqual(byId.get('test:2')!.spans, []);
    t.deepEqual(
      byId.get('test:2')!.issues?.map((issue) => issue.kind),
      ['retried', 'unparsable'],
    );
    t.deepEqual(spansOf(byId.get('test:3')!.spans), ['SKILL:0-4']);
    t.deepEqual(spansOf(byId.get('test:4')!.spans), ['SKILL:0-3']);
    t.deepEqual(byId.get('test:5')!.spans, []);
    if (style === 'ner') t.true(byId.get('test:0')!.issues?.some((issue) => issue.kind === 'repaired'));

    // requests: 6 first answers, 3 re-asks for the never-fixed one, 1 for the fixed one, plus a
    // 429 and a timeout that were retried: 12; 10 answers
    const sentences = server.calls.map((call) => parseCall(call).sentence);
    t.is(sentences.filter((s) => s === 'Manage a small team').length, 4);
    t.is(sentences.filter((s) => s === 'Strong communication skills').length, 2);
    t.is(sentences.filter((s) => s === 'Drive our compliance agenda').length, 2);
    t.is(sentences.filter((s) => s === 'Write clean code').length, 2);
    t.is(server.calls.length, 12);
    t.true(server.calls.every((call) => call.temperature === 0));
    // the instruction, 2 positive + 2 negative demonstrations (user + assistant), the sentence
    t.is(server.calls[0].messages.length, 1 + 2 * 4 + 1);

    const m = first.metrics;
    t.is(m['test.issues.retried'], 2);
    t.is(m['test.issues.unparsable'], 1);
    t.is(m['llm.requests'], 12);
    t.is(m['llm.failed_requests'], 2);
    t.is(m['llm.prompt_tokens'], 100);
    // 6 gold SKILL spans; 5 predicted, all correct (test:2 failed)
    t.is(m['test.nervaluate.overall.precision'], 1);
    t.is(m['test.nervaluate.overall.recall'], 5 / 6);
    t.is(m['test.nervaluate.KNOWLEDGE.f1'] ?? 0, 0);
    t.is(record.environment?.method?.llm_model, 'gpt-test');
    t.false(JSON.stringify(record).includes(env.SKILLBENCH_E2E_KEY));

    // redoing the run (--force: not even the finished run is reused) takes every answer from the cache
    const forced = await run(file, store, '--force');
    t.is(forced.status, 'finished');
    t.is(server.calls.length, 12);
    t.is(forced.metrics['llm.requests'], 0);
    t.is(forced.metrics['llm.cache_hits'], 10);
    t.is(forced.metrics['test.nervaluate.overall.f1'], first.metrics['test.nervaluate.overall.f1']);
    // --no-cache asks again
    await run(file, store, '--force', '--no-cache');
    t.is(server.calls.length, 12 + 10);
  });
}

test('a run killed half-way and restarted asks only what it never got an answer to', async (t) => {
  const server = await startFakeChatServer((call) => ({
    content: parseCall(call).sentence.split(' ')[0],
    delayMs: 120,
  }));
  t.teardown(() => server.close());
  const dir = tempDir(t);
  writeSplit(join(dir, 'train.jsonl'), TRAIN);
  const many = Array.from({ length: 16 }, (_, i) => ({
    tokens: `Sentence number ${i} about skills`.split(' '),
  }));
  writeSplit(join(dir, 'test.jsonl'), many);
  const file = join(dir, 'kill.yaml');
  writeFileSync(
    file,
    `name: prompt-kill
method: llm-prompt
params:
  style: extract
  llm: { engine: openai, model: gpt-test, base_url: "${server.baseUrl}", api_key_env: SKILLBENCH_E2E_KEY, concurrency: 1 }
  shots: 1
dataset: { train: train.jsonl, dev: null, test: test.jsonl }
`,
  );
  const store = join(dir, 'runs.db');
  const child = spawn(process.execPath, [CLI, 'run', '--no-report', file, '--store', store], {
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  while (server.calls.length < 6) await new Promise((resolve) => setTimeout(resolve, 20));
  child.kill('SIGKILL');
  await exited;
  const beforeRestart = server.calls.length;
  t.true(beforeRestart < 16, 'killed before it finished');

  const resumed = await run(file, store);
  t.is(resumed.status, 'finished');
  t.is(predictions(store, resumed.id).predictions.length, 16);
  const bodies = server.calls.map((call) => JSON.stringify(call.messages));
  const distinct = new Set(bodies);
  t.is(distinct.size, 16, 'every sentence asked');
  // only a request in flight at the kill can have been sent twice (concurrency 1)
  t.true(bodies.length - distinct.size <= 1, `${bodies.length} requests for ${distinct.size} questions`);
});

test('the llama-cpp engine on a random GGUF: through the runner, every answer checked, then all from the cache', async (t) => {
  const dir = tempDir(t);
  writeSplit(join(dir, 'train.jsonl'), TRAIN);
  writeSplit(join(dir, 'test.jsonl'), TEST.slice(0, 3));
  writeRandomGguf(join(dir, 'random.gguf'));
  const file = join(dir, 'local.yaml');
  writeFileSync(
    file,
    `name: prompt-local
method: llm-prompt
params:
  style: ner
  llm: { engine: llama-cpp, model_path: random.gguf, threads: 1, max_tokens: 24, context_size: 1024 }
  shots: 1
  max_reasks: 1
dataset: { train: train.jsonl, dev: null, test: test.jsonl, labels: [SKILL] }
`,
  );
  const store = join(dir, 'runs.db');
  const first = await run(file, store);
  t.is(first.status, 'finished');
  const { predictions: list, run: record } = predictions(store, first.id);
  t.is(list.length, 3);
  // noise from random weights: the format check must catch it (re-asked once, then unparsable)
  const requests = first.metrics['llm.requests'];
  t.is(requests, 3 + first.metrics['test.issues.retried']);
  const failed = list.filter((prediction) => prediction.issues?.some((issue) => issue.kind === 'unparsable'));
  t.is(first.metrics['test.issues.unparsable'], failed.length);
  for (const prediction of failed) t.deepEqual(prediction.spans, []);
  for (const prediction of list) t.is(typeof prediction.raw, 'string');
  t.is(record.environment?.method?.llm_backend, 'cpu');
  t.is(record.environment?.method?.llm_threads, 1);
  const forced = await run(file, store, '--force');
  t.is(forced.metrics['llm.requests'], 0);
  t.is(forced.metrics['llm.cache_hits'], requests);
  t.deepEqual(predictions(store, forced.id).predictions, list);
});
