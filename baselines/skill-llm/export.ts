import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Sentence } from '../../harness/data/types.ts';
import { type RecordOptions, splitRecords } from './format.ts';
import { datasetName, predictSettings, trainSettings, type YamlSettings } from './recipe.ts';

export type ExportSplit = 'train' | 'dev' | 'test';

export interface ExportOptions extends Omit<RecordOptions, 'seed'> {
  /** seeds the training records' instruction choice and LLaMA-Factory's training */
  seed: number;
  /** base model for the YAML (a hub name or a local folder) */
  model: string;
  /** settings replacing the paper's, per step */
  train?: YamlSettings;
  predict?: YamlSettings;
}

/**
 * Writes what LLaMA-Factory needs into dir: <split>.json (a JSON array of {instruction, input,
 * output}, written as the released code writes it: indent 2, non-ASCII kept), dataset_info.json
 * (merged with what is there), train.yaml when train is exported and predict-<split>.yaml for dev
 * and test. Returns the files written, relative to dir.
 */
export function exportSkillLlm(
  dir: string,
  splits: Partial<Record<ExportSplit, readonly Sentence[]>>,
  options: ExportOptions,
): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    written.push(name);
  };
  const infoPath = join(dir, 'dataset_info.json');
  const info: Record<string, unknown> = existsSync(infoPath)
    ? JSON.parse(readFileSync(infoPath, 'utf8'))
    : {};
  for (const [split, sentences] of Object.entries(splits) as [ExportSplit, readonly Sentence[]][]) {
    const records = splitRecords(sentences, {
      ...options,
      seed: split === 'train' ? options.seed : undefined,
    });
    write(`${split}.json`, JSON.stringify(records, null, 2));
    info[datasetName(split)] = {
      file_name: `${split}.json`,
      columns: { prompt: 'instruction', query: 'input', response: 'output' },
    };
    if (split === 'train')
      write('train.yaml', stringify(trainSettings(options.model, options.seed, options.train)));
    else write(`predict-${split}.yaml`, stringify(predictSettings(options.model, split, options.predict)));
  }
  write('dataset_info.json', `${JSON.stringify(info, null, 2)}\n`);
  return written;
}
