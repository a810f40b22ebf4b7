import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { Method } from '../../harness/methods/method.ts';
import { readPredictionFile } from '../../harness/predictions/read.ts';
import { sha256File } from '../../harness/util/hash.ts';

export const importParams = z
  .object({
    /** prediction file for the test split: span JSONL (end inclusive) or BIO JSONL, one line per sentence */
    test: z.string().min(1),
    /** prediction file for the dev split, when the external system produced one */
    dev: z.string().min(1).optional(),
    /** what produced the file, shown in the report */
    system: z.string().optional(),
  })
  .strict();

export type ImportParams = z.infer<typeof importParams>;

/**
 * A run whose predictions come from a file, so any external system (a Python model, a paper's
 * released outputs) joins the leaderboard and is scored exactly like the built-in methods.
 * Paths are relative to the experiment file. The files' contents are part of the run key.
 */
export const importMethod = {
  name: 'import',
  version: '1',
  params: importParams,
  fingerprint: (params, baseDir) => {
    const hashes: Record<string, string> = {};
    for (const split of ['dev', 'test'] as const) {
      const file = params[split];
      const path = file && resolve(baseDir, file);
      if (path && existsSync(path)) hashes[split] = sha256File(path);
    }
    return hashes;
  },
  predictsSplits: (params) => (params.dev ? ['dev', 'test'] : ['test']),
  describe: (params) => ({
    setup: params.system ? `predictions imported from ${params.system}` : 'predictions imported from a file',
  }),
  async *predict(ctx, sentences) {
    // predictsSplits keeps the runner from asking for a split without a file
    const file = ctx.params[ctx.split];
    if (!file) throw new Error(`no prediction file for the ${ctx.split} split (params.${ctx.split})`);
    const all = readPredictionFile(resolve(ctx.baseDir, file), ctx.splitSentences);
    const wanted = new Set(sentences.map((s) => s.id));
    for (const prediction of all) if (wanted.has(prediction.id)) yield prediction;
  },
} satisfies Method<ImportParams>;
