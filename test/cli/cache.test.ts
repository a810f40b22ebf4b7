import { join } from 'node:path';
import test from 'ava';
import { RunStore } from '../../harness/tracking/store.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

test('cache stats counts entries, bytes and hits per engine and model; clear removes all or one model', async (t) => {
  const path = join(tempDir(t), 'runs.db');
  const store = new RunStore(path);
  store.cacheSet(`llm/openai/gpt-4/${'a'.repeat(64)}`, 'x'.repeat(10));
  store.cacheSet(`llm/openai/gpt-4/${'b'.repeat(64)}`, 'x'.repeat(5));
  store.cacheSet(`llm/llama-cpp/org/model.gguf/${'c'.repeat(64)}`, 'y');
  store.cacheGet(`llm/openai/gpt-4/${'a'.repeat(64)}`);
  store.close();

  const stats = await runCli(['cache', 'stats', '--store', path, '--format', 'json']);
  t.is(stats.code, 0, stats.stderr);
  t.deepEqual(JSON.parse(stats.stdout), [
    { namespace: 'llama-cpp/org/model.gguf', entries: 1, bytes: 1, hits: 0 },
    { namespace: 'openai/gpt-4', entries: 2, bytes: 15, hits: 1 },
  ]);
  const cleared = await runCli(['cache', 'clear', '--store', path, '--engine', 'openai', '--model', 'gpt-4']);
  t.regex(cleared.stdout, /removed 2 cached answers/);
  const all = await runCli(['cache', 'clear', '--store', path]);
  t.regex(all.stdout, /removed 1 cached answer\n/);
  const refused = await runCli(['cache', 'clear', '--store', path, '--model', 'gpt-4']);
  t.not(refused.code, 0);
});
