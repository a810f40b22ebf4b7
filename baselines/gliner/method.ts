import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Method } from '../../harness/methods/method.ts';
import { sha256File } from '../../harness/util/hash.ts';
import { useBackend } from '../neural/backend/choose.ts';
import { parameterCount } from '../neural/params.ts';
import { authorsCharNervaluate } from './authors-eval.ts';
import type { CharSpanEntity } from './decode.ts';
import { GLINER_WEIGHTS, loadGliner } from './load.ts';
import type { GlinerModel } from './model.ts';
import { type GlinerParams, glinerParams, SCRATCH_GLINER } from './params.ts';
import { entitiesOf, tokenSpans } from './predict.ts';
import { glinerSource, missingGliner } from './setup.ts';
import { MODEL_DIR, predictSentenceLogits, THRESHOLD_FILE, trainAndSelect } from './training-run.ts';

/** The trained model and the threshold chosen for it. */
export interface TrainedGliner {
  model: GlinerModel;
  threshold: number;
}

/**
 * Table 2's "Fine-tuned GLiNER" row: GLiNER v0.2.9's span model (markerV0, BiLSTM, DeBERTa-v3)
 * fine-tuned on SkillSpan with the Skill-LLM notebook's recipe, in TensorFlow.js. `from` is a
 * local GLiNER folder (the paper's gliner_small_news-v2.1); without it a small GLiNER is
 * trained from scratch. The logic lives in training-run.ts and predict.ts.
 */
export const glinerMethod = {
  name: 'gliner',
  version: '1',
  params: glinerParams,

  unavailable: (params, baseDir = process.cwd()) => missingGliner(params, baseDir),

  fingerprint: (params, baseDir) => {
    const source = glinerSource(params, baseDir);
    const dir = source.kind === 'pretrained' ? source.dir : source.tokenizerDir;
    const files = [
      'gliner_config.json',
      'config.json',
      GLINER_WEIGHTS,
      'pytorch_model.bin',
      'tokenizer.json',
      'spm.model',
    ];
    const hashes: Record<string, string> = {};
    for (const file of files) if (existsSync(join(dir, file))) hashes[file] = sha256File(join(dir, file));
    return hashes;
  },

  describe: (params) => {
    if (params.from) return { setup: `fine-tuned ${params.from} (GLiNER v0.2.9 span model, tfjs)` };
    const size = { ...SCRATCH_GLINER, ...params.config };
    return {
      setup: `GLiNER span model trained from scratch (DeBERTa-v3-style ${size.num_hidden_layers}L/${size.hidden_size}H, tfjs)`,
    };
  },

  train: (ctx) => trainAndSelect(ctx),

  async load(ctx) {
    const backend = await useBackend(ctx.params.backend);
    ctx.recordEnvironment({ backend: backend.route, tfjs: backend });
    const dir = join(ctx.artifactDir, MODEL_DIR);
    const model = loadGliner(dir);
    const saved = JSON.parse(readFileSync(join(dir, THRESHOLD_FILE), 'utf8')) as { threshold: number };
    ctx.log(`loaded the trained GLiNER from ${dir} (${parameterCount(model.specs)} parameters)`);
    return { model, threshold: saved.threshold };
  },

  dispose: (trained) => trained.model.dispose(),

  async *predict(ctx, sentences, trained) {
    const options = { threshold: trained.threshold, flat: ctx.params.flat_ner };
    const entities: CharSpanEntity[][] = new Array(sentences.length);
    for await (const { index, sentence, logits } of predictSentenceLogits(
      trained.model,
      sentences,
      ctx.params,
      ctx.signal,
    )) {
      const found = entitiesOf(logits, ctx.params.labels, options);
      entities[index] = found;
      yield { id: sentence.id, spans: tokenSpans(sentence.tokens, found), raw: JSON.stringify(found) };
    }
    // the authors' own protocol (char offsets), recorded on the run when the whole split was predicted here
    // (a file beside the run's artifacts, and metrics; the runner's rescoring may drop the latter)
    if (sentences.length === ctx.splitSentences.length) {
      const scores = authorsCharNervaluate(sentences, entities);
      writeFileSync(
        join(ctx.artifactDir, `authors-char-nervaluate.${ctx.split}.json`),
        `${JSON.stringify(scores, null, 2)}\n`,
      );
      for (const [name, value] of Object.entries(scores))
        ctx.tracker.logMetric(`authors-char-nervaluate.${ctx.split}.${name}`, value);
    }
  },
} satisfies Method<GlinerParams, TrainedGliner>;
