import { join } from 'node:path';
import test from 'ava';
import { LlmClient } from '../../harness/llm/client.ts';
import { llmConfig } from '../../harness/llm/config.ts';
import { createEngine } from '../../harness/llm/engines.ts';
import { RunStore } from '../../harness/tracking/store.ts';
import { writeRandomGguf, writeRandomLoraGguf } from '../helpers/random-gguf.ts';
import { tempDir } from '../helpers/tmp.ts';

test('llama-cpp: a random GGUF answers through the chat template, follows a JSON schema, and is cached by file hash', async (t) => {
  const dir = tempDir(t);
  writeRandomGguf(join(dir, 'tiny.gguf'));
  const config = llmConfig.parse({
    engine: 'llama-cpp',
    model_path: 'tiny.gguf',
    threads: 1,
    context_size: 1024,
  });
  const store = new RunStore(':memory:');
  const cache = {
    get: (key: string) => store.cacheGet(key),
    set: (key: string, value: string) => store.cacheSet(key, value),
  };
  const engine = createEngine(config, dir);
  const client = new LlmClient({ engine, cache, concurrency: 4 });
  t.teardown(() => client.close());
  const messages = [
    { role: 'system' as const, content: 'Extract the skills.' },
    { role: 'user' as const, content: 'Sentence: Python and SQL' },
  ];
  const free = await client.chat({ messages, decoding: { temperature: 0, max_tokens: 12, seed: 1 } });
  t.is(typeof free.text, 'string');
  t.true(free.usage.completionTokens > 0 && free.usage.completionTokens <= 12);
  t.true(free.usage.promptTokens > 0);
  const again = await client.chat({ messages, decoding: { temperature: 0, max_tokens: 12, seed: 1 } });
  t.true(again.cached);
  t.is(again.text, free.text);

  const schema = {
    type: 'object',
    properties: { skills: { type: 'array', items: { enum: ['Python', 'SQL'] }, maxItems: 2 } },
    required: ['skills'],
  };
  const constrained = await client.chat({
    messages,
    decoding: { temperature: 0, max_tokens: 60, seed: 1 },
    constraint: { kind: 'json-schema', schema },
  });
  const parsed = JSON.parse(constrained.text) as { skills: string[] };
  t.true(Array.isArray(parsed.skills));
  for (const skill of parsed.skills) t.true(['Python', 'SQL'].includes(skill));

  const gbnf = await client.chat({
    messages,
    decoding: { temperature: 0, max_tokens: 8 },
    constraint: { kind: 'gbnf', grammar: 'root ::= "yes" | "no"' },
  });
  t.true(['yes', 'no'].includes(gbnf.text));

  const identity = await engine.identity();
  t.regex(identity.model_sha256, /^[0-9a-f]{64}$/);
  t.is(engine.describe().backend, 'cpu');
  t.is(engine.describe().threads, 1);
  t.is(store.cacheEntries().length, 3);
});

test('llama-cpp: the GGUF chat template is used, and a LoRA adapter changes the answers and the cache identity', async (t) => {
  const dir = tempDir(t);
  writeRandomGguf(join(dir, 'templated.gguf'), {
    chatTemplate:
      "{% for message in messages %}<|{{ message['role'] }}|>{{ message['content'] }}\n{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}",
  });
  writeRandomLoraGguf(join(dir, 'adapter.gguf'));
  const messages = [
    { role: 'system' as const, content: 'Extract the skills.' },
    { role: 'user' as const, content: 'Sentence: Python and SQL' },
  ];
  const answers: string[] = [];
  const identities: Record<string, string>[] = [];
  for (const lora of [undefined, 'adapter.gguf']) {
    const engine = createEngine(
      llmConfig.parse({
        engine: 'llama-cpp',
        model_path: 'templated.gguf',
        lora_path: lora,
        threads: 1,
        context_size: 512,
      }),
      dir,
    );
    const client = new LlmClient({ engine, concurrency: 1 });
    try {
      answers.push(
        (await client.chat({ messages, decoding: { temperature: 0, max_tokens: 12, seed: 1 } })).text,
      );
      identities.push(await engine.identity());
      t.is(engine.describe().chat_wrapper, 'JinjaTemplate');
    } finally {
      await client.close();
    }
  }
  t.not(answers[0], answers[1]);
  t.is(identities[0].model_sha256, identities[1].model_sha256);
  t.false('lora_sha256' in identities[0]);
  t.regex(identities[1].lora_sha256, /^[0-9a-f]{64}$/);
});
