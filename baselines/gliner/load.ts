import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../harness/util/errors.ts';
import { parseDebertaConfig } from '../neural/deberta/config.ts';
import { DebertaModel } from '../neural/deberta/model.ts';
import { bindWeights } from '../neural/hf/bind-weights.ts';
import {
  CONFIG_FILE,
  readCheckpointWeights,
  readJsonFile,
  readModelConfig,
  TORCH_WEIGHTS_FILE,
} from '../neural/hf/checkpoint.ts';
import { writeSafetensorsFile } from '../neural/hf/safetensors.ts';
import { fileTensors, paramsFromTensors, tensorsFromParams } from '../neural/params.ts';
import { copyTokenizerFiles, loadTokenizer } from '../neural/tokenizers/load.ts';
import type { WordTokenizer } from '../neural/tokenizers/word-tokenizer.ts';
import { GLINER_CONFIG_FILE, type GlinerConfig, parseGlinerConfig } from './config.ts';
import { headSpecs } from './heads.ts';
import { ENCODER_PREFIX, type GlinerEncoder, GlinerModel } from './model.ts';

export const GLINER_WEIGHTS = 'model.safetensors';
/** The tokens GLiNER.from_pretrained appends to a backbone's vocabulary, in this order. */
export const GLINER_ADDED_TOKENS = ['[FLERT]', '<<ENT>>', '<<SEP>>'];

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

/** Whether dir has GLiNER weights: model.safetensors (GLiNER >= 0.2.13, or ours) or v0.2.9's pytorch_model.bin. */
export function hasGlinerWeights(dir: string): boolean {
  return existsSync(join(dir, GLINER_WEIGHTS)) || existsSync(join(dir, TORCH_WEIGHTS_FILE));
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
  // v0.2.9 builds the backbone from model_name when encoder_config is null (the news checkpoint):
  // here that config must be in the folder as config.json
  const backboneConfig =
    config.encoder_config ?? (existsSync(join(dir, CONFIG_FILE)) ? readModelConfig(dir) : undefined);
  if (!backboneConfig) {
    throw new InputError(
      `has no encoder_config and the folder no ${CONFIG_FILE}: add ${config.model_name}'s config.json to the folder`,
      configPath,
    );
  }
  const found = readCheckpointWeights(dir);
  const embedding = found.get(`${ENCODER_PREFIX}embeddings.word_embeddings.weight`);
  // GLiNER resizes the embedding to its tokenizer (128,004 rows for gliner_small_news-v2.1)
  const encoderConfig = parseDebertaConfig(
    { ...backboneConfig, ...(embedding ? { vocab_size: embedding.shape[0] } : {}) },
    `${configPath} encoder_config`,
  );
  const tokenizer = loadTokenizer(dir);
  const resolved = { ...config, class_token_index: classTokenIndex(config, tokenizer) };
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

/**
 * v0.2.9 finds class embeddings at the <<ENT>> id. A checkpoint without class_token_index
 * (gliner_small_news-v2.1) gets GLiNER's tokens added to its backbone tokenizer, as
 * GLiNER.from_pretrained does, and the id of <<ENT>>.
 */
function classTokenIndex(config: GlinerConfig, tokenizer: WordTokenizer): number {
  if (config.class_token_index >= 0) return config.class_token_index;
  tokenizer.addTokens([GLINER_ADDED_TOKENS[0], config.ent_token, config.sep_token]);
  return tokenizer.id(config.ent_token);
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
  if (tokenizerDir) copyTokenizerFiles(tokenizerDir, dir);
}
