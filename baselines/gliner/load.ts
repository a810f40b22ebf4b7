import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../harness/util/errors.ts';
import { parseDebertaConfig } from '../neural/deberta/config.ts';
import { DebertaModel } from '../neural/deberta/model.ts';
import { bindWeights } from '../neural/hf/bind-weights.ts';
import { readJsonFile } from '../neural/hf/checkpoint.ts';
import { type RawTensor, readSafetensorsFile, writeSafetensorsFile } from '../neural/hf/safetensors.ts';
import { fileTensors, paramsFromTensors, tensorsFromParams } from '../neural/params.ts';
import { loadBertTokenizer } from '../neural/tokenizers/load.ts';
import { GLINER_CONFIG_FILE, type GlinerConfig, parseGlinerConfig } from './config.ts';
import { headSpecs } from './heads.ts';
import type { WordTokenizer } from './inputs.ts';
import { ENCODER_PREFIX, type GlinerEncoder, GlinerModel } from './model.ts';
import { wordPieceWordTokenizer } from './tokenizer.ts';

export const GLINER_WEIGHTS = 'model.safetensors';
export const GLINER_TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'vocab.txt',
  'spm.model',
  'added_tokens.json',
  'special_tokens_map.json',
];

/** A DeBERTa backbone as the span model's encoder. */
export function debertaEncoder(model: DebertaModel): GlinerEncoder {
  return {
    params: model.params,
    specs: model.specs,
    hiddenSize: model.config.hidden_size,
    config: model.config,
    encode: (inputIds, attentionMask, rng) => model.encode({ inputIds, attentionMask }, rng),
    dispose: () => model.dispose(),
  };
}

/** The tokenizer files of a GLiNER folder: tokenizer.json (WordPiece here). */
export function loadWordTokenizer(dir: string): WordTokenizer {
  return wordPieceWordTokenizer(loadBertTokenizer(dir));
}

/** The GLiNER weights of a folder: model.safetensors (GLiNER >= 0.2.13, or ours). */
export function readGlinerWeights(dir: string): Map<string, RawTensor> {
  const safetensors = join(dir, GLINER_WEIGHTS);
  if (existsSync(safetensors)) return readSafetensorsFile(safetensors).tensors;
  throw new InputError(`no ${GLINER_WEIGHTS}`, dir);
}

/**
 * A GLiNER folder as v0.2.9 saves it (gliner_config.json with the backbone's config as
 * encoder_config, the state dict, tokenizer files). Loading is strict: every weight of the
 * backbone and the heads must be there with its shape, and nothing else may be (the
 * position_ids buffer excepted); the error names every offender.
 */
export function loadGliner(dir: string): GlinerModel {
  const configPath = join(dir, GLINER_CONFIG_FILE);
  const config = parseGlinerConfig(readJsonFile(configPath), configPath);
  if (!config.encoder_config) {
    throw new InputError(
      'has no encoder_config: copy the backbone config (microsoft/deberta-v3-small config.json) into it as "encoder_config"',
      configPath,
    );
  }
  const found = readGlinerWeights(dir);
  const embedding = found.get(`${ENCODER_PREFIX}embeddings.word_embeddings.weight`);
  // GLiNER resizes the embedding to its tokenizer (128,004 rows for gliner_small_news-v2.1)
  const encoderConfig = parseDebertaConfig(
    { ...config.encoder_config, ...(embedding ? { vocab_size: embedding.shape[0] } : {}) },
    `${configPath} encoder_config`,
  );
  const tokenizer = loadWordTokenizer(dir);
  const resolved = { ...config, class_token_index: classTokenIndex(config, tokenizer, dir) };
  const heads = headSpecs(resolved, encoderConfig.hidden_size);
  const headTensors = bindWeights(
    new Map([...found].filter(([name]) => !name.startsWith(ENCODER_PREFIX))),
    heads.flatMap(fileTensors),
    dir,
  );
  const { model: encoder } = DebertaModel.fromTensors(encoderConfig, found, dir, ENCODER_PREFIX);
  return new GlinerModel(
    resolved,
    debertaEncoder(encoder),
    paramsFromTensors(heads, headTensors.tensors),
    tokenizer,
  );
}

/** v0.2.9 finds class embeddings at the <<ENT>> id; checkpoints without class_token_index get it from the tokenizer. */
function classTokenIndex(config: GlinerConfig, tokenizer: WordTokenizer, dir: string): number {
  if (config.class_token_index >= 0) return config.class_token_index;
  const ids = tokenizer.encodeWords([config.ent_token]).ids.slice(1, -1);
  if (ids.length !== 1) {
    throw new InputError(`the tokenizer does not have ${config.ent_token} as one added token`, dir);
  }
  return ids[0];
}

/**
 * Saves a model as GLiNER v0.2.9 can load it: gliner_config.json (encoder_config inside, the
 * class token index and vocabulary size set), model.safetensors with the state dict's names and
 * layouts, and the tokenizer files copied from tokenizerDir.
 */
export async function saveGliner(model: GlinerModel, dir: string, tokenizerDir?: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const vocab = model.encoder.params.get(`${ENCODER_PREFIX}embeddings.word_embeddings.weight`)?.shape[0];
  const config = {
    ...model.config,
    encoder_config: { ...model.encoder.config, ...(vocab ? { vocab_size: vocab } : {}) },
    ...(vocab ? { vocab_size: vocab } : {}),
  };
  writeFileSync(join(dir, GLINER_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
  writeSafetensorsFile(join(dir, GLINER_WEIGHTS), await tensorsFromParams(model.specs, model.params), {
    format: 'pt',
  });
  if (tokenizerDir) {
    for (const file of GLINER_TOKENIZER_FILES)
      if (existsSync(join(tokenizerDir, file))) copyFileSync(join(tokenizerDir, file), join(dir, file));
  }
}
