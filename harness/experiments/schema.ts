/**
 * The experiment file format: the single source of truth. experiments/schema.json (for editors)
 * is generated from these schemas (write-json-schema.ts); docs/experiments.md describes them.
 *
 * Params are checked here only as "a map": each method validates them with its own zod schema
 * after profile overrides and sweep points are applied (see check.ts).
 */
import { z } from 'zod';

export const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
const NAME_RULE = 'lowercase letters, digits, ".", "_" or "-", starting with a letter or digit';

export const name = z
  .string()
  .regex(NAME_PATTERN, `must be ${NAME_RULE}`)
  .meta({ description: `Unique across all experiment files loaded together: ${NAME_RULE}.` });

/** The protocols published numbers were scored with (docs/footguns.md: which row used which). */
export const PROTOCOLS = ['nervaluate', 'nereval', 'set', 'seqeval-skills-only', 'other'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

const params = z
  .record(z.string(), z.unknown())
  .meta({ description: "The method's parameters, validated by the method's own schema." });

const seeds = z
  .array(z.number().int('must be an integer').nonnegative())
  .min(1, 'needs at least one seed')
  .superRefine((list, ctx) => {
    list.forEach((seed, index) => {
      const first = list.indexOf(seed);
      if (first !== index) {
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: `duplicate seed ${seed} (also at seeds[${first}])`,
        });
      }
    });
  })
  .meta({ description: 'Random seeds; every sweep point runs once per seed. Default [1].' });

const sweep = z
  .record(
    z.string().min(1, 'a sweep path must not be empty'),
    z
      .array(z.unknown())
      .min(1, 'an empty sweep list gives no runs')
      .superRefine((list, ctx) => {
        const seen = list.map((value) => JSON.stringify(value));
        seen.forEach((value, index) => {
          const first = seen.indexOf(value);
          if (first !== index)
            ctx.addIssue({ code: 'custom', path: [index], message: `duplicate sweep value ${value}` });
        });
      }),
  )
  .meta({
    description:
      'Param path (dots reach into nested params) -> list of values; the grid is the cartesian product.',
  });

const limitCount = z.number().int('must be an integer').positive();
export const datasetLimit = z
  .strictObject({ train: limitCount.optional(), dev: limitCount.optional(), test: limitCount.optional() })
  .meta({ description: 'Use only the first N sentences of a split.' });

const datasetRef = z
  .string()
  .min(1, 'must not be empty')
  .meta({ description: '`skillspan:train|dev|test`, or a path relative to this file (.jsonl or CoNLL).' });

export const dataset = z
  .strictObject({
    train: datasetRef
      .nullable()
      .optional()
      .meta({ description: 'Default skillspan:train; null: no train split.' }),
    dev: datasetRef.nullable().optional().meta({ description: 'Default skillspan:dev; null: no dev split.' }),
    test: datasetRef.optional().meta({ description: 'Default skillspan:test.' }),
    limit: datasetLimit.optional(),
  })
  .meta({ description: 'The splits; each defaults to the bundled SkillSpan split.' });

const percent = z.number().min(0).max(100).nullable().optional();

export const published = z
  .strictObject({
    source: z.string().min(1).meta({ description: 'Citation: where the numbers were reported.' }),
    protocol: z.enum(PROTOCOLS).meta({ description: 'How the paper scored them (see docs/footguns.md).' }),
    skill_f1: percent.meta({ description: 'SKILL F1 in percent (null when not reported).' }),
    knowledge_f1: percent.meta({ description: 'KNOWLEDGE F1 in percent (null when not reported).' }),
    total_f1: percent.meta({ description: 'Overall F1 in percent (null when not reported).' }),
    parameters: z.string().optional().meta({ description: 'Model size as text, e.g. "110M".' }),
    setup: z.string().optional().meta({ description: 'The "Training & Inference" text.' }),
    note: z.string().optional(),
  })
  .meta({ description: 'Numbers reported in a paper for this row.' });

export const profile = z
  .strictObject({
    params: params.optional().meta({ description: 'Deep-merged over the experiment params.' }),
    seeds: seeds.optional().meta({ description: 'Replaces the experiment seeds.' }),
    dataset: z.strictObject({ limit: datasetLimit.optional() }).optional(),
    sweep: sweep.optional().meta({ description: 'Replaces the experiment sweep.' }),
  })
  .meta({ description: 'Overrides for a budget (`--profile NAME`).' });

export const experiment = z
  .strictObject({
    name,
    description: z.string().optional(),
    method: z.string().min(1).optional().meta({
      description:
        'A registered method name. Without one the experiment is a published row: its `published` block, shown and never run.',
    }),
    params: params.optional(),
    dataset: dataset.optional(),
    seeds: seeds.optional(),
    sweep: sweep.optional(),
    published: published.optional(),
    tags: z.array(z.string()).optional(),
    profiles: z
      .record(z.string().regex(NAME_PATTERN, `a profile name must be ${NAME_RULE}`), profile)
      .optional()
      .meta({ description: 'Profile name (smoke, quick, paper, ...) -> overrides.' }),
  })
  .meta({ title: 'skillbench experiment', description: 'One experiment (one YAML document).' });

export type Experiment = z.output<typeof experiment>;
export type Profile = z.output<typeof profile>;
export type Published = z.output<typeof published>;
export type DatasetSpec = z.output<typeof dataset>;
export type DatasetLimit = z.output<typeof datasetLimit>;
export type Sweep = Record<string, unknown[]>;

export const DEFAULT_SEEDS = [1];
