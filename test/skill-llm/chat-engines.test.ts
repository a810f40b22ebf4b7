import { join } from 'node:path';
import test from 'ava';
import { splitRecords } from '../../baselines/skill-llm/format.ts';
import { loadDataset } from '../../harness/data/datasets.ts';
import { startFakeChatServer } from '../helpers/fake-chat-server.ts';
import { writeRandomGguf } from '../helpers/random-gguf.ts';
import { runnerFor, skillLlmSpec } from './helpers.ts';

const INSTRUCTION = 'Extract the skills and the knowledge.';

test('openai engine: a served model answers over HTTP with a JSON schema; a second run makes no request', async (t) => {
  const { dir, store, run } = runnerFor(t);
  const limits = { train: 0, dev: 10, test: 20 };
  // the server knows each sentence's gold answer and spoils some: every 6th names an invented
  // span, every 4th writes ")" for "}"
  const answers = new Map<string, string>();
  const served: Record<string, string[]> = { dev: [], test: [] };
  const prompts: Record<string, Set<string>> = { dev: new Set(), test: new Set() };
  for (const split of ['dev', 'test'] as const) {
    const sentences = loadDataset(`skillspan:${split}`).sentences.slice(0, limits[split]);
    splitRecords(sentences, { marker: '**', instructions: [INSTRUCTION] }).forEach((record, i) => {
      const prompt = `${record.instruction}\n${record.input}`;
      let answer = record.output;
      if (i % 6 === 5)
        answer = answer.replace(
          '"SKILL": [',
          '"SKILL": [{"skill_span": "juggling", "context": "x juggling y"}, ',
        );
      if (i % 4 === 2) answer = answer.replace(/\}$/, ')');
      // a sentence that occurs twice is asked once (the kit's cache answers the second)
      if (!answers.has(prompt)) answers.set(prompt, answer);
      served[split].push(answers.get(prompt)!);
      prompts[split].add(prompt);
    });
  }
  const count = (split: string, test: (answer: string) => boolean) => served[split].filter(test).length;
  const server = await startFakeChatServer((call) => {
    const content = answers.get(call.messages[0].content);
    return content === undefined
      ? { status: 400, body: { error: { message: 'unknown prompt' } } }
      : { content };
  });
  t.teardown(() => server.close());
  const params = {
    engine: 'openai',
    model: 'skill-llm-lora',
    decoding: 'json',
    instructions: [INSTRUCTION],
    llm: { base_url: server.baseUrl, concurrency: 4 },
  };

  const first = await run(skillLlmSpec(dir, params, 'openai-1', limits));
  t.is(first.status, 'finished', first.message);
  t.is(server.calls.length, answers.size);
  const call = server.calls[0];
  t.is(call.model, 'skill-llm-lora');
  t.is(call.temperature, 0.01);
  t.is(call.top_p, 0.95);
  t.is(call.max_tokens, 1000);
  const format = call.response_format as { type: string; json_schema: { schema: { required: string[] } } };
  t.is(format.type, 'json_schema');
  t.deepEqual(format.json_schema.schema.required, ['SKILL', 'KNOWLEDGE']);

  const metrics = store.summaryMetrics(first.run.id);
  t.is(metrics['test.llm.answers'], 20);
  t.is(metrics['test.llm.unparsable'], 0);
  t.is(
    metrics['test.llm.unaligned'],
    count('test', (a) => a.includes('juggling')),
  );
  t.is(
    metrics['dev.llm.unaligned'],
    count('dev', (a) => a.includes('juggling')),
  );
  // a ")" for the last "}", or a trailing comma where the invented span went first: repaired
  const invalid = (answer: string) => {
    try {
      JSON.parse(answer);
      return false;
    } catch {
      return true;
    }
  };
  t.is(metrics['test.llm.repaired'], count('test', invalid));
  t.true(metrics['test.llm.repaired'] > 0 && metrics['test.llm.unaligned'] > 0);
  t.is(metrics['test.set.overall.precision'], 1);

  // the same requests under another run key: all from the cache
  const second = await run(skillLlmSpec(dir, params, 'openai-2', limits));
  t.is(second.status, 'finished', second.message);
  t.is(server.calls.length, answers.size);
  const again = store.summaryMetrics(second.run.id);
  // each split asks each of its distinct sentences once
  t.is(again['llm.cache_hits'], prompts.dev.size + prompts.test.size);
  t.is(again['llm.requests'] ?? 0, 0);
  t.is(again['test.set.overall.f1'], metrics['test.set.overall.f1']);
});

test('llama-cpp engine on a random GGUF: spans decoding never gives an unreadable or invented span, free decoding does', async (t) => {
  const { dir, store, run } = runnerFor(t);
  writeRandomGguf(join(dir, 'tiny.gguf'), { contextLength: 2048 });
  const limits = { train: 0, dev: 0, test: 6 };
  const common = {
    engine: 'llama-cpp',
    model: 'tiny.gguf',
    instructions: [INSTRUCTION],
    span_width: 2,
    max_items: 2,
    llm: { threads: 1, context_size: 2048 },
  };
  const spans = await run(
    skillLlmSpec(dir, { ...common, decoding: 'spans', align: 'strict', max_new_tokens: 32 }, 'spans', limits),
  );
  t.is(spans.status, 'finished', spans.message);
  const constrained = store.summaryMetrics(spans.run.id);
  t.is(constrained['test.llm.answers'], 6);
  t.is(constrained['test.llm.unparsable'], 0);
  t.is(constrained['test.llm.repaired'], 0);
  t.is(constrained['test.llm.unaligned'], 0);
  // the budget was raised to the grammar's longest answer: nothing was cut
  const predictions = store.predictions(spans.run.id, 'test');
  t.false(predictions.some((p) => p.issues?.some((i) => i.kind === 'truncated')));
  t.like(spans.run.environment as object, {
    method: { engine: 'llama-cpp', decoding: 'spans', backend: 'cpu' },
  });

  const free = await run(
    skillLlmSpec(dir, { ...common, decoding: 'free', max_new_tokens: 48 }, 'free', limits),
  );
  t.is(free.status, 'finished', free.message);
  t.true(store.summaryMetrics(free.run.id)['test.llm.unparsable'] > 0);
});
