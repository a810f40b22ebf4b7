import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { parse } from 'yaml';
import { DEFAULT_INSTRUCTIONS, splitRecords } from '../../baselines/skill-llm/format.ts';
import { loadDataset } from '../../harness/data/datasets.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

test('export skill-llm writes the LLaMA-Factory files with the paper settings', async (t) => {
  const dir = tempDir(t);
  const result = await runCli(['export', 'skill-llm', '--split', 'train', '--split', 'dev', '--out', dir]);
  t.is(result.code, 0, result.stderr);
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');

  const dev = JSON.parse(read('dev.json'));
  t.deepEqual(
    dev,
    splitRecords(loadDataset('skillspan:dev').sentences, {
      marker: '**',
      instructions: DEFAULT_INSTRUCTIONS,
    }),
  );
  const train = JSON.parse(read('train.json'));
  t.is(train.length, 4800);
  t.true(read('train.json').startsWith('[\n  {\n    "instruction": '));

  const info = JSON.parse(read('dataset_info.json'));
  t.deepEqual(Object.keys(info), ['skillspan_train', 'skillspan_dev']);
  t.deepEqual(info.skillspan_dev, {
    file_name: 'dev.json',
    columns: { prompt: 'instruction', query: 'input', response: 'output' },
  });

  const trainYaml = parse(read('train.yaml'));
  t.like(trainYaml, {
    model_name_or_path: 'meta-llama/Meta-Llama-3-8B-Instruct',
    finetuning_type: 'lora',
    lora_target: 'q_proj,v_proj',
    lora_rank: 64,
    lora_alpha: 128,
    lora_dropout: 0.1,
    learning_rate: 2e-4,
    per_device_train_batch_size: 4,
    num_train_epochs: 2,
    lr_scheduler_type: 'cosine',
    warmup_ratio: 0.1,
    weight_decay: 0,
    max_grad_norm: 0.3,
    cutoff_len: 2000,
    template: 'llama3',
    bf16: true,
    dataset: 'skillspan_train',
  });
  t.like(parse(read('predict-dev.yaml')), {
    eval_dataset: 'skillspan_dev',
    adapter_name_or_path: 'saves/lora/sft',
    max_new_tokens: 1000,
    temperature: 0.01,
    top_p: 0.95,
    predict_with_generate: true,
  });
});

test('export skill-llm rejects an unknown split', async (t) => {
  const result = await runCli(['export', 'skill-llm', '--split', 'validation', '--out', tempDir(t)]);
  t.is(result.code, 2);
  t.regex(result.stderr, /validation/);
});
