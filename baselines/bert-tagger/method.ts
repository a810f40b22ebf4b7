import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Method } from '../../harness/methods/method.ts';
import { sha256File } from '../../harness/util/hash.ts';
import { useBackend } from '../neural/backend/choose.ts';
import { parseBertConfig } from '../neural/bert/config.ts';
import { BertTokenModel } from '../neural/bert/model.ts';
import { readModelConfig } from '../neural/hf/checkpoint.ts';
import { parameterCount } from '../neural/params.ts';
import { loadBertTokenizer, TOKENIZER_FILES } from '../neural/tokenizers/load.ts';
import { SCRATCH_ENCODER, type TaggerParams, taggerParams } from './params.ts';
import { predictSentences } from './predict.ts';
import { encoderSource, missingEncoder } from './setup.ts';
import { BertTagger } from './tagger-model.ts';
import { TAG_COUNT } from './tags.ts';
import { MODEL_DIR, trainTagger } from './train.ts';

/**
 * Table 2's "BERT" / "jobSpanBERT" rows: a BERT encoder fine-tuned for SkillSpan's two BIO
 * layers (SkillSpan's MaChAmp setup), trained in TensorFlow.js on whatever backend the machine
 * has. `from` fine-tunes a local Hugging Face folder; without it a small encoder is trained from
 * scratch with the bundled WordPiece vocabulary.
 */
export const bertTaggerMethod = {
  name: 'bert-tagger',
  // 2: query/key/value joined into one parameter (training checkpoints of version 1 do not resume)
  version: '2',
  params: taggerParams,

  unavailable: (params, baseDir = process.cwd()) => missingEncoder(params, baseDir),

  // without them the run is skipped (pretrained rows on machines without the weights)
  inputFiles: (params) =>
    (['from', 'tokenizer'] as const).flatMap((param) => {
      const path = params[param];
      return path ? [{ param: [param], path, kind: 'folder' as const, required: false }] : [];
    }),

  fingerprint: (params, baseDir) => {
    const source = encoderSource(params, baseDir);
    const hashes: Record<string, string> = {};
    const files = [
      ...TOKENIZER_FILES,
      ...(source.kind === 'pretrained'
        ? ['config.json', 'model.safetensors', 'model.safetensors.index.json']
        : []),
    ];
    const dir = source.modelDir ?? source.tokenizerDir;
    for (const file of files) if (existsSync(join(dir, file))) hashes[file] = sha256File(join(dir, file));
    return hashes;
  },

  describe: (params, baseDir = process.cwd()) => {
    const layers = params.layers.join(' + ');
    const size = describeEncoder(params, baseDir);
    const setup = params.from
      ? `fine-tuned ${params.from} (${layers} BIO heads, tfjs)`
      : `BERT ${size.shape} trained from scratch (${layers} BIO heads, tfjs)`;
    return { setup, ...(size.parameters ? { parameters: size.parameters } : {}) };
  },

  train: (ctx) => trainTagger(ctx),

  async load(ctx) {
    const backend = await useBackend(ctx.params.backend);
    ctx.recordEnvironment({ backend: backend.route, tfjs: backend });
    const dir = join(ctx.artifactDir, MODEL_DIR);
    const tagger = BertTagger.load(dir);
    ctx.log(`loaded the trained tagger from ${dir} (${readModelConfig(dir).num_hidden_layers} layers)`);
    return tagger;
  },

  dispose: (tagger) => tagger.dispose(),

  predict: (ctx, sentences, tagger) =>
    predictSentences(tagger, sentences, ctx.params.predict_batch_size, ctx.signal),
} satisfies Method<TaggerParams, BertTagger>;

/** "1.2M" and "2L/128H" for the report, from the checkpoint's config or the scratch settings. */
function describeEncoder(params: TaggerParams, baseDir: string): { shape: string; parameters?: string } {
  try {
    const source = encoderSource(params, baseDir);
    const raw =
      source.kind === 'pretrained'
        ? readModelConfig(source.modelDir!)
        : {
            ...SCRATCH_ENCODER,
            ...params.config,
            vocab_size: loadBertTokenizer(source.tokenizerDir).vocabSize,
          };
    const config = parseBertConfig(raw, 'config');
    const count = parameterCount(BertTokenModel.specs(config, params.layers.length * TAG_COUNT, 'bert.'));
    return {
      shape: `${config.num_hidden_layers}L/${config.hidden_size}H`,
      parameters: count >= 1e8 ? `${Math.round(count / 1e6)}M` : `${(count / 1e6).toFixed(1)}M`,
    };
  } catch {
    const c = { ...SCRATCH_ENCODER, ...params.config };
    return { shape: `${c.num_hidden_layers}L/${c.hidden_size}H` };
  }
}
