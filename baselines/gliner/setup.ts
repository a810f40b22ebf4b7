import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { projectPath } from '../../harness/util/paths.ts';
import { parseDebertaConfig } from '../neural/deberta/config.ts';
import { DebertaModel } from '../neural/deberta/model.ts';
import { initParams } from '../neural/params.ts';
import type { Rng } from '../neural/rng.ts';
import { loadBertTokenizer } from '../neural/tokenizers/load.ts';
import { parseGlinerConfig } from './config.ts';
import { headSpecs } from './heads.ts';
import { debertaEncoder, GLINER_ADDED_TOKENS, GLINER_WEIGHTS, hasGlinerWeights, loadGliner } from './load.ts';
import { ENCODER_PREFIX, GlinerModel } from './model.ts';
import { type GlinerParams, SCRATCH_GLINER } from './params.ts';

/** The WordPiece vocabulary bundled with the fixtures (trained on SkillSpan train words). */
export const BUNDLED_TOKENIZER = 'fixtures/hf-reference/tokenizer';

export type GlinerSource = { kind: 'pretrained'; dir: string } | { kind: 'scratch'; tokenizerDir: string };

export function glinerSource(params: GlinerParams, baseDir: string): GlinerSource {
  if (params.from) return { kind: 'pretrained', dir: resolve(baseDir, params.from) };
  return {
    kind: 'scratch',
    tokenizerDir: params.tokenizer ? resolve(baseDir, params.tokenizer) : projectPath(BUNDLED_TOKENIZER),
  };
}

/** Why the model cannot be built here (with how to fix it); undefined when it can. */
export function missingGliner(params: GlinerParams, baseDir: string): string | undefined {
  const source = glinerSource(params, baseDir);
  if (source.kind === 'pretrained') {
    if (!existsSync(join(source.dir, 'gliner_config.json')) || !hasGlinerWeights(source.dir)) {
      return (
        `no GLiNER folder at ${source.dir} (needs gliner_config.json with encoder_config, ${GLINER_WEIGHTS} or pytorch_model.bin, and tokenizer.json or spm.model). ` +
        'On a machine with network access download EmergentMethods/gliner_small_news-v2.1 and microsoft/deberta-v3-small; ' +
        'put the latter\'s spm.model into the folder and its config.json (or put it into gliner_config.json as "encoder_config").'
      );
    }
    return undefined;
  }
  if (!existsSync(join(source.tokenizerDir, 'tokenizer.json')))
    return `no tokenizer.json in ${source.tokenizerDir}`;
  return undefined;
}

/** The model to train: a GLiNER folder as it is, or a fresh seeded one from scratch. */
export function buildGliner(params: GlinerParams, source: GlinerSource, rng: Rng): GlinerModel {
  if (source.kind === 'pretrained') return loadGliner(source.dir);
  const tokenizer = loadBertTokenizer(source.tokenizerDir);
  tokenizer.addTokens(GLINER_ADDED_TOKENS);
  const size = { ...SCRATCH_GLINER, ...params.config };
  const encoderConfig = parseDebertaConfig(
    {
      model_type: 'deberta-v2',
      vocab_size: tokenizer.vocabSize,
      hidden_size: size.hidden_size,
      num_hidden_layers: size.num_hidden_layers,
      num_attention_heads: size.num_attention_heads,
      intermediate_size: size.intermediate_size,
      hidden_act: 'gelu',
      relative_attention: true,
      position_buckets: 256,
      max_relative_positions: -1,
      pos_att_type: ['p2c', 'c2p'],
      share_att_key: true,
      norm_rel_ebd: 'layer_norm',
      position_biased_input: false,
      type_vocab_size: 0,
      layer_norm_eps: 1e-7,
      pad_token_id: tokenizer.padId,
    },
    'scratch GLiNER backbone',
  );
  const config = parseGlinerConfig(
    {
      model_name: 'scratch',
      span_mode: 'markerV0',
      hidden_size: size.span_hidden_size,
      max_width: 12,
      dropout: 0.4,
      max_len: 384,
      max_types: 25,
      max_neg_type_ratio: 1,
      has_rnn: true,
      class_token_index: tokenizer.id('<<ENT>>'),
      vocab_size: tokenizer.vocabSize,
      encoder_config: encoderConfig,
    },
    'scratch GLiNER',
  );
  const encoder = DebertaModel.create(encoderConfig, rng, ENCODER_PREFIX);
  const heads = initParams(headSpecs(config, encoderConfig.hidden_size), encoderConfig, rng);
  return new GlinerModel(config, debertaEncoder(encoder), heads, tokenizer);
}

/** Writes the scratch model's tokenizer.json: the base file with the GLiNER tokens as added tokens. */
export function writeScratchTokenizer(tokenizerDir: string, target: string): void {
  const json = JSON.parse(readFileSync(join(tokenizerDir, 'tokenizer.json'), 'utf8'));
  const tokenizer = loadBertTokenizer(tokenizerDir);
  tokenizer.addTokens(GLINER_ADDED_TOKENS);
  const present = new Set((json.added_tokens ?? []).map((t: { content: string }) => t.content));
  for (const token of GLINER_ADDED_TOKENS) {
    if (present.has(token)) continue;
    json.added_tokens.push({
      id: tokenizer.id(token),
      content: token,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: true,
      special: false,
    });
  }
  writeFileSync(join(target, 'tokenizer.json'), `${JSON.stringify(json)}\n`);
}
