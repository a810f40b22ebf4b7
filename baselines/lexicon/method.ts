import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Label } from '../../harness/data/types.ts';
import { LABELS } from '../../harness/data/types.ts';
import type { Method } from '../../harness/methods/method.ts';
import { createMatcher, type Lexicon, learnLexicon, type MatchThresholds } from './lexicon.ts';

const DEFAULT_GRID = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

export const lexiconParams = z
  .object({
    /** match case-insensitively */
    case_fold: z.boolean().default(true),
    /** a phrase must be annotated at least this often in train */
    min_count: z.number().int().min(1).default(1),
    /** minimum annotation precision of a phrase (annotated / occurrences in train), or `tune` to choose it per label on dev */
    min_precision: z.union([z.number().min(0).max(1), z.literal('tune')]).default('tune'),
    /** candidate thresholds when min_precision is `tune` */
    tune_grid: z.array(z.number().min(0).max(1)).min(1).default(DEFAULT_GRID),
    /** the dev metric (without split prefix, `{label}` replaced per label) that tuning maximises */
    tune_metric: z.string().default('nervaluate.{label}.f1'),
    /** longest phrase learned, in tokens */
    max_length: z.number().int().min(1).max(64).default(12),
  })
  .strict();

export type LexiconParams = z.infer<typeof lexiconParams>;

/** The trained model: the phrase list and the thresholds chosen for it (lexicon.json in the artifacts). */
export interface TrainedLexicon {
  lexicon: Lexicon;
  thresholds: MatchThresholds;
}

const MODEL_FILE = 'lexicon.json';

/**
 * The classic keyword baseline: the SKILL and KNOWLEDGE phrases of the train split, matched
 * longest-first in new sentences. A floor row for the leaderboard, and a real trainable method
 * that trains and predicts the full splits in seconds.
 */
export const lexiconMethod = {
  name: 'lexicon',
  version: '1',
  params: lexiconParams,
  describe: () => ({
    parameters: '0 (phrase list)',
    setup: 'phrases of the train split, longest match first',
  }),

  async train(ctx) {
    const { params } = ctx;
    ctx.progress.start('learn phrases', 1, 'split');
    const lexicon = learnLexicon(ctx.train, { caseFold: params.case_fold, maxLength: params.max_length });
    ctx.progress.advance();
    for (const label of LABELS)
      ctx.tracker.logMetric(`lexicon.${label}.phrases`, lexicon.entries[label].length);

    const thresholds: MatchThresholds = {
      minCount: params.min_count,
      minPrecision: { SKILL: 0, KNOWLEDGE: 0 },
    };
    if (params.min_precision === 'tune') {
      const best = { SKILL: { value: -1, threshold: 0 }, KNOWLEDGE: { value: -1, threshold: 0 } };
      ctx.progress.start('tune threshold on dev', params.tune_grid.length, 'thresholds');
      for (const [step, threshold] of params.tune_grid.entries()) {
        ctx.signal.throwIfAborted();
        const match = createMatcher(lexicon, {
          minCount: params.min_count,
          minPrecision: { SKILL: threshold, KNOWLEDGE: threshold },
        });
        const scores = ctx.scoreDev(ctx.dev.map((s) => ({ id: s.id, spans: match(s.tokens) })));
        for (const label of LABELS) {
          const value = scores[params.tune_metric.replace('{label}', label)];
          if (value === undefined) throw new Error(`tune_metric "${params.tune_metric}" is not a dev metric`);
          ctx.tracker.logMetric(`tune.${label}.dev_f1`, value, step);
          if (value > best[label].value) best[label] = { value, threshold };
        }
        ctx.progress.advance();
      }
      thresholds.minPrecision = { SKILL: best.SKILL.threshold, KNOWLEDGE: best.KNOWLEDGE.threshold };
      ctx.log(
        `tuned precision thresholds: SKILL ${best.SKILL.threshold}, KNOWLEDGE ${best.KNOWLEDGE.threshold}`,
      );
    } else {
      thresholds.minPrecision = { SKILL: params.min_precision, KNOWLEDGE: params.min_precision };
    }
    for (const label of LABELS)
      ctx.tracker.logParam(`min_precision.${label}`, thresholds.minPrecision[label as Label]);

    const trained: TrainedLexicon = { lexicon, thresholds };
    writeFileSync(join(ctx.artifactDir, MODEL_FILE), JSON.stringify(trained));
    return trained;
  },

  load: (ctx) => JSON.parse(readFileSync(join(ctx.artifactDir, MODEL_FILE), 'utf8')) as TrainedLexicon,

  async *predict(_ctx, sentences, { lexicon, thresholds }) {
    const match = createMatcher(lexicon, thresholds);
    for (const sentence of sentences) yield { id: sentence.id, spans: match(sentence.tokens) };
  },
} satisfies Method<LexiconParams, TrainedLexicon>;
