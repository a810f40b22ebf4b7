import { z } from 'zod';
import type { Method } from '../../harness/methods/method.ts';

/**
 * A row of numbers reported in a paper (the experiment file's `published` block). It is never run:
 * the leaderboard shows it with its source and the protocol the paper scored it with.
 */
export const publishedMethod: Method<Record<string, never>> = {
  name: 'published',
  version: '1',
  kind: 'published',
  params: z.object({}).strict(),
  // biome-ignore lint/correctness/useYield: a published row has no predictions; the runner never calls this
  async *predict() {
    throw new Error('a published row has no predictions: it is shown, never run');
  },
};
