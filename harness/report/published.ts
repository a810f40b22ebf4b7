/**
 * Published numbers (an experiment's `published` block) and which reproduced experiment each
 * belongs to. A reproduced experiment takes, in this order: its own `published` block; the
 * published experiment named by a `reproduces:<name>` tag; the published experiment called
 * `paper-<its name>`. A published experiment no reproduced one claims is a row of its own.
 */
import { published as publishedSchema } from '../experiments/schema.ts';
import type { ExperimentRow } from '../tracking/store.ts';
import type { PublishedNumbers } from './model-types.ts';

export const REPRODUCES_TAG = 'reproduces:';
export const PAPER_PREFIX = 'paper-';

/** The experiment's published numbers, or undefined when it has none (or they do not parse). */
export function publishedNumbers(experiment: ExperimentRow): PublishedNumbers | undefined {
  if (experiment.published === undefined || experiment.published === null) return undefined;
  const parsed = publishedSchema.safeParse(experiment.published);
  if (!parsed.success) return undefined;
  const block = parsed.data;
  const value = (number: number | null | undefined) => (typeof number === 'number' ? number : undefined);
  return {
    experiment: experiment.name,
    source: block.source,
    protocol: block.protocol,
    f1: {
      SKILL: value(block.skill_f1),
      KNOWLEDGE: value(block.knowledge_f1),
      overall: value(block.total_f1),
    },
    parameters: block.parameters,
    setup: block.setup,
    note: block.note,
  };
}

/** A published row: an experiment with numbers and no method (stored and shown, never run). */
export function isPublishedOnly(experiment: ExperimentRow): boolean {
  return !experiment.method && experiment.published !== undefined && experiment.published !== null;
}

/** The published experiment a reproduced one claims (see the file comment), if any. */
export function claimedPublished(
  reproduced: ExperimentRow,
  publishedByName: ReadonlyMap<string, ExperimentRow>,
): ExperimentRow | undefined {
  const tag = reproduced.tags.find((candidate) => candidate.startsWith(REPRODUCES_TAG));
  if (tag) return publishedByName.get(tag.slice(REPRODUCES_TAG.length));
  return publishedByName.get(`${PAPER_PREFIX}${reproduced.name}`);
}

/** How a row is called in tables: the experiment name, without `paper-` for a published-only row. */
export function rowLabel(experiment: ExperimentRow): string {
  return isPublishedOnly(experiment) && experiment.name.startsWith(PAPER_PREFIX)
    ? experiment.name.slice(PAPER_PREFIX.length)
    : experiment.name;
}
