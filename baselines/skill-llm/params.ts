import { z } from 'zod';
import { type LlmConfig, llmConfig } from '../../harness/llm/config.ts';
import { DEFAULT_INSTRUCTIONS, DEFAULT_MARKER } from './format.ts';

const yamlSettings = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

export const ENGINES = ['llamafactory', 'openai', 'llama-cpp', 'import'] as const;
export type Engine = (typeof ENGINES)[number];

/** `{yaml}` in a command stands for the YAML file of the step (train.yaml, predict-<split>.yaml). */
const DEFAULT_COMMAND = ['llamafactory-cli', 'train', '{yaml}'];

export const skillLlmParams = z
  .object({
    /**
     * llamafactory: fine-tune and predict with LLaMA-Factory (the paper's recipe); openai: a
     * server that serves the fine-tuned model; llama-cpp: a GGUF model (and LoRA) in-process;
     * import: score an existing generated_predictions.jsonl.
     */
    engine: z.enum(ENGINES).default('llamafactory'),
    /**
     * The model: the base model for LLaMA-Factory (a hub name or a folder), the served model's
     * name (openai) or the GGUF file (llama-cpp). Paths are relative to the experiment file.
     */
    model: z.string().min(1).optional(),
    /** A LoRA adapter: a GGUF file (llama-cpp) or a trained LLaMA-Factory adapter folder (skips training). */
    lora: z.string().min(1).optional(),
    /** the sentence boundary marker (the released code uses "**", the paper's text says "***") */
    marker: z.string().min(1).default(DEFAULT_MARKER),
    /** instruction phrasings: training draws one per example (seeded), inference uses the first */
    instructions: z
      .array(z.string().min(1))
      .min(1)
      .default([...DEFAULT_INSTRUCTIONS]),
    /** spans: the answer can only name spans of the sentence; json: any JSON of the answer's shape; free: unconstrained */
    decoding: z.enum(['spans', 'json', 'free']).optional(),
    /** spans decoding: the longest span offered, in tokens (12 covers 99.4% of SkillSpan train spans) */
    span_width: z.number().int().positive().default(12),
    /** spans and json decoding: the most items per label */
    max_items: z.number().int().positive().default(16),
    /** lenient: the authors' alignment, snapped to tokens; strict: exact-case whole tokens only */
    align: z.enum(['lenient', 'strict']).default('lenient'),
    /** drop a span an answer names twice (the authors kept repeats) */
    drop_duplicates: z.boolean().default(false),
    /** generation settings (the paper's), for every engine */
    max_new_tokens: z.number().int().positive().default(1000),
    temperature: z.number().min(0).max(2).default(0.01),
    top_p: z.number().min(0).max(1).default(0.95),
    /** openai and llama-cpp: the LLM kit's settings (base_url, threads, concurrency, ...; harness/llm/README.md) */
    llm: z.record(z.string(), z.unknown()).optional(),
    /** llamafactory: the commands run in the export folder (default `llamafactory-cli train {yaml}`) and YAML overrides */
    llamafactory: z
      .object({
        train_command: z.array(z.string().min(1)).min(1).default(DEFAULT_COMMAND),
        predict_command: z.array(z.string().min(1)).min(1).default(DEFAULT_COMMAND),
        template: z.string().min(1).default('llama3'),
        train: yamlSettings.default({}),
        predict: yamlSettings.default({}),
      })
      .strict()
      .default({
        train_command: DEFAULT_COMMAND,
        predict_command: DEFAULT_COMMAND,
        template: 'llama3',
        train: {},
        predict: {},
      }),
    /** import: generated_predictions.jsonl files (LLaMA-Factory's output), relative to the experiment file */
    predictions: z
      .object({ test: z.string().min(1), dev: z.string().min(1).optional() })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((params, ctx) => {
    if (params.engine === 'import' && !params.predictions)
      ctx.addIssue({
        code: 'custom',
        path: ['predictions'],
        message: 'the import engine needs predictions.test',
      });
    if ((params.engine === 'openai' || params.engine === 'llama-cpp') && !params.model)
      ctx.addIssue({
        code: 'custom',
        path: ['model'],
        message: `the ${params.engine} engine needs model (${params.engine === 'openai' ? 'the served model name' : 'a GGUF file'})`,
      });
    if (params.engine === 'openai' || params.engine === 'llama-cpp') {
      const kit = llmConfig.safeParse(kitConfigInput(params));
      for (const issue of kit.success ? [] : kit.error.issues)
        ctx.addIssue({ code: 'custom', path: ['llm', ...issue.path.map(String)], message: issue.message });
    }
    if (params.decoding === 'spans' && params.engine !== 'llama-cpp' && params.engine !== 'openai')
      ctx.addIssue({
        code: 'custom',
        path: ['decoding'],
        message:
          'spans decoding needs an engine that constrains generation (llama-cpp, or openai with a server that reads JSON schemas)',
      });
  });

export type SkillLlmParams = z.infer<typeof skillLlmParams>;

/** The decoding an engine uses when the params name none: spans where the engine can constrain. */
export function decodingOf(params: SkillLlmParams): 'spans' | 'json' | 'free' {
  return params.decoding ?? (params.engine === 'llama-cpp' ? 'spans' : 'free');
}

function kitConfigInput(params: SkillLlmParams): Record<string, unknown> {
  const local = params.engine === 'llama-cpp';
  return {
    ...params.llm,
    engine: params.engine,
    ...(local ? { model_path: params.model, lora_path: params.lora } : { model: params.model }),
    temperature: params.temperature,
    top_p: params.top_p,
    max_tokens: params.max_new_tokens,
  };
}

/** The LLM kit's config for the openai and llama-cpp engines (model, adapter and generation from these params). */
export function kitConfig(params: SkillLlmParams): LlmConfig {
  return llmConfig.parse(kitConfigInput(params));
}
