import { z } from 'zod';
import { LABELS } from '../../harness/data/types.ts';
import { type LlmConfig, llmConfig } from '../../harness/llm/config.ts';

export const llmPromptParams = z
  .object({
    /** `extract`: one span per line or `None`; `ner`: the sentence copied with @@ ... ## around spans */
    style: z.enum(['extract', 'ner']),
    llm: llmConfig,
    /** k: demonstrations are k sentences with spans + k without (`positives-only`: 2k with spans) */
    shots: z.number().int().min(0).max(20).default(5),
    /**
     * `knn`: per test sentence, the k most similar positives and negatives of the pool;
     * `random`: one fixed draw for the whole run (seeded), or `demo_file`; `positives-only`: 2k random positives
     */
    demos: z.enum(['knn', 'random', 'positives-only']).default('knn'),
    /** how `knn` measures similarity: TF-IDF cosine over lowercased tokens, or cosine of embeddings from `embeddings` */
    similarity: z.enum(['tfidf', 'embeddings']).default('tfidf'),
    /** an OpenAI-compatible /embeddings endpoint for `similarity: embeddings` */
    embeddings: z
      .object({
        model: z.string().min(1),
        /** default: OPENAI_BASE_URL, else api.openai.com */
        base_url: z.string().url().optional(),
        api_key_env: z.string().default('OPENAI_API_KEY'),
      })
      .strict()
      .optional(),
    /** train sentence ids (JSON, line numbers) the demonstrations come from; default: a seeded sample of pool_size */
    pool_file: z.string().min(1).optional(),
    pool_size: z.number().int().positive().default(500),
    /** `random`: these train ids, in this order, as the fixed demonstrations */
    demo_file: z.string().min(1).optional(),
    /** re-asks after a failed format check */
    max_reasks: z.number().int().min(0).max(10).default(3),
    /** the original's quirk: an answer that first passes on the last re-ask still counts as failed */
    discard_last_reask: z.boolean().default(true),
    /** extract style: `tokens` locates each line as a whole token sequence; `legacy` is the original's first-word shortcut */
    mapping: z.enum(['tokens', 'legacy']).default('tokens'),
    /**
     * `[SKILL]`: the original (one pass asking for skills, knowledge and competencies, answers typed
     * SKILL; pair it with `dataset.labels: [SKILL]`); two labels: one typed pass per label
     */
    layers: z
      .array(z.enum(LABELS))
      .min(1)
      .refine((list) => new Set(list).size === list.length, 'each label once')
      .default(['SKILL']),
  })
  .strict()
  .superRefine((params, ctx) => {
    if (params.similarity === 'embeddings' && !params.embeddings)
      ctx.addIssue({
        code: 'custom',
        path: ['embeddings'],
        message: 'similarity: embeddings needs embeddings: { model }',
      });
  });

export type LlmPromptParams = z.infer<typeof llmPromptParams>;

/** The kit config of the embeddings endpoint (undefined unless `similarity: embeddings`). */
export function embeddingsConfig(params: LlmPromptParams): LlmConfig | undefined {
  if (params.similarity !== 'embeddings' || !params.embeddings) return undefined;
  return llmConfig.parse({ engine: 'openai', ...params.embeddings, concurrency: params.llm.concurrency });
}
