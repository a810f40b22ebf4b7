import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Label } from '../../harness/data/types.ts';
import { InputError } from '../../harness/util/errors.ts';
import { projectPath } from '../../harness/util/paths.ts';
import { parseBertConfig } from '../neural/bert/config.ts';
import { BertTokenModel, type LoadReport } from '../neural/bert/model.ts';
import type { Rng } from '../neural/rng.ts';
import { loadBertTokenizer } from '../neural/tokenizers/load.ts';
import { BUNDLED_TOKENIZER, SCRATCH_ENCODER, type TaggerParams } from './params.ts';
import { BertTagger } from './tagger-model.ts';
import { TAG_COUNT } from './tags.ts';

export interface EncoderSource {
  kind: 'pretrained' | 'scratch';
  /** the folder weights come from (pretrained) */
  modelDir?: string;
  tokenizerDir: string;
}

/** Where the encoder and tokenizer come from, paths resolved against the experiment's folder. */
export function encoderSource(params: TaggerParams, baseDir: string): EncoderSource {
  if (params.from) {
    const modelDir = resolve(baseDir, params.from);
    return { kind: 'pretrained', modelDir, tokenizerDir: modelDir };
  }
  return {
    kind: 'scratch',
    tokenizerDir: params.tokenizer ? resolve(baseDir, params.tokenizer) : projectPath(BUNDLED_TOKENIZER),
  };
}

/** Why the encoder cannot be built here, with how to fix it; undefined when it can. */
export function missingEncoder(params: TaggerParams, baseDir: string): string | undefined {
  const source = encoderSource(params, baseDir);
  if (source.kind === 'pretrained') {
    const dir = source.modelDir!;
    const hasWeights =
      existsSync(join(dir, 'model.safetensors')) || existsSync(join(dir, 'model.safetensors.index.json'));
    if (!existsSync(join(dir, 'config.json')) || !hasWeights) {
      return (
        `no Hugging Face BERT checkpoint at ${dir} (needs config.json, model.safetensors, and tokenizer.json or vocab.txt). ` +
        'On a machine with network access: `huggingface-cli download bert-base-cased --local-dir <dir>` ' +
        '(or jjzha/jobbert-base-cased), copy the folder here and point `from` at it; ' +
        'without weights, drop `from` to train the bundled small encoder from scratch.'
      );
    }
  }
  if (
    !existsSync(join(source.tokenizerDir, 'tokenizer.json')) &&
    !existsSync(join(source.tokenizerDir, 'vocab.txt'))
  ) {
    return `no tokenizer.json or vocab.txt in ${source.tokenizerDir}`;
  }
  return undefined;
}

/** A fresh tagger: the pretrained encoder with new heads, or a seeded encoder from scratch. */
export function buildTagger(
  params: TaggerParams,
  source: EncoderSource,
  rng: Rng,
): { tagger: BertTagger; report?: LoadReport } {
  const layers = [...params.layers] as Label[];
  const settings = { layers, maxSubwords: params.max_subwords };
  const tokenizer = loadBertTokenizer(source.tokenizerDir);
  const numLabels = layers.length * TAG_COUNT;
  if (source.kind === 'pretrained') {
    const { model, report } = BertTokenModel.load(source.modelDir!, { numLabels, rng });
    checkPositions(model.config.max_position_embeddings, params.max_subwords, source.modelDir!);
    return { tagger: new BertTagger(model, tokenizer, settings), report };
  }
  const config = parseBertConfig(
    {
      ...SCRATCH_ENCODER,
      ...params.config,
      vocab_size: tokenizer.vocabSize,
      type_vocab_size: 2,
      pad_token_id: tokenizer.padId,
      model_type: 'bert',
    },
    'params.config',
  );
  checkPositions(config.max_position_embeddings, params.max_subwords, 'params.config');
  return { tagger: new BertTagger(BertTokenModel.create(config, numLabels, rng), tokenizer, settings) };
}

function checkPositions(positions: number, maxSubwords: number, source: string): void {
  if (maxSubwords > positions) {
    throw new InputError(
      `max_subwords ${maxSubwords} exceeds the encoder's max_position_embeddings ${positions}`,
      source,
    );
  }
}
