import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { projectPath } from '../../harness/util/paths.ts';
import { expectedOutputs } from './bert-parity.ts';
import { DEBERTA_FIXTURE, debertaExpected } from './deberta-parity.ts';
import { maxAbsDiff } from './gradcheck.ts';

const dir = mkdtempSync(join(tmpdir(), 'cli-'));
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [projectPath('bin/skillbench.js'), ...args], { encoding: 'utf8' });

test('model forward writes logits and last_hidden_state equal to transformers', (t) => {
  const expected = expectedOutputs();
  writeFileSync(join(dir, 'in.json'), JSON.stringify(expected.inputs));
  const out = join(dir, 'out.json');
  const run = cli(
    'model',
    'forward',
    '--model',
    projectPath('fixtures/hf-reference/bert-tiny-random'),
    '--input',
    join(dir, 'in.json'),
    '--out',
    out,
    '--backend',
    'wasm',
  );
  t.is(run.status, 0, run.stderr);
  const output = JSON.parse(readFileSync(out, 'utf8'));
  t.deepEqual(output.logits.shape, [48, 63, 5]);
  t.deepEqual(output.last_hidden_state.shape, [48, 63, 64]);
  t.true(maxAbsDiff(output.logits.data, expected.logits) < 1e-4);
  t.true(maxAbsDiff(output.last_hidden_state.data, expected.last_hidden) < 1e-4);
});

test('model forward refuses ragged input and unsupported architectures with exit code 2', (t) => {
  writeFileSync(
    join(dir, 'ragged.json'),
    JSON.stringify({
      input_ids: [
        [2, 5, 3],
        [2, 3],
      ],
    }),
  );
  const model = projectPath('fixtures/hf-reference/bert-tiny-random');
  const ragged = cli(
    'model',
    'forward',
    '--model',
    model,
    '--input',
    join(dir, 'ragged.json'),
    '--out',
    join(dir, 'x.json'),
  );
  t.is(ragged.status, 2);
  t.regex(ragged.stderr, /ragged\.json: input_ids\[1\] has 2 values; every row needs 3/);
  writeFileSync(join(dir, 'ok.json'), JSON.stringify({ input_ids: [[2, 5, 3]] }));
  const llama = projectPath('fixtures/hf-reference/llama-tiny-random');
  const unsupported = cli(
    'model',
    'forward',
    '--model',
    llama,
    '--input',
    join(dir, 'ok.json'),
    '--out',
    join(dir, 'x.json'),
  );
  t.is(unsupported.status, 2);
  t.regex(unsupported.stderr, /model_type "llama" is not supported yet/);
});

test('model forward runs a deberta-v2 folder: last_hidden_state equal to transformers', (t) => {
  const expected = debertaExpected();
  writeFileSync(join(dir, 'deberta-in.json'), JSON.stringify(expected.inputs));
  const out = join(dir, 'deberta-out.json');
  const run = cli(
    'model',
    'forward',
    '--model',
    DEBERTA_FIXTURE,
    '--input',
    join(dir, 'deberta-in.json'),
    '--out',
    out,
    '--backend',
    'wasm',
  );
  t.is(run.status, 0, run.stderr);
  t.regex(run.stderr, /deberta-v2 DebertaV2Model \(2 layers, hidden 64\) on wasm/);
  const output = JSON.parse(readFileSync(out, 'utf8'));
  t.is(output.logits, undefined);
  t.deepEqual(output.last_hidden_state.shape, [48, 63, 64]);
  t.true(maxAbsDiff(output.last_hidden_state.data, expected.last_hidden) < 1e-4);
});

test('tokenize writes ids, tokens and word_ids (null for specials)', (t) => {
  writeFileSync(join(dir, 'words.json'), JSON.stringify({ words: [['Date', 'posted:', '2021-03-04']] }));
  const run = cli(
    'tokenize',
    '--tokenizer',
    projectPath('fixtures/hf-reference/tokenizer'),
    '--input',
    join(dir, 'words.json'),
    '--out',
    join(dir, 'enc.json'),
  );
  t.is(run.status, 0, run.stderr);
  t.deepEqual(JSON.parse(readFileSync(join(dir, 'enc.json'), 'utf8')), {
    encodings: [
      {
        ids: [2, 880, 920, 30, 895, 17, 2397, 17, 2794, 3],
        tokens: ['[CLS]', 'Date', 'posted', ':', '2021', '-', '03', '-', '04', '[SEP]'],
        word_ids: [null, 0, 1, 1, 2, 2, 2, 2, 2, null],
      },
    ],
  });
  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ words: ['not', 'nested'] }));
  const bad = cli(
    'tokenize',
    '--tokenizer',
    projectPath('fixtures/hf-reference/tokenizer'),
    '--input',
    join(dir, 'bad.json'),
    '--out',
    join(dir, 'x.json'),
  );
  t.is(bad.status, 2);
  t.regex(bad.stderr, /bad\.json: words\.0/);
});
