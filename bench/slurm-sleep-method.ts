/** The bench's one-second task, loaded as a plugin: predict sleeps `seconds`, then predicts no spans. */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Method } from '../harness/methods/method.ts';

const params = z.strictObject({ seconds: z.number().min(0).default(1), task: z.number().int().default(0) });

export const methods = [
  {
    name: 'bench-sleep',
    version: '1',
    params,
    async *predict(ctx, sentences) {
      await sleep(ctx.params.seconds * 1000, undefined, { signal: ctx.signal });
      for (const sentence of sentences) yield { id: sentence.id, spans: [] };
    },
  } satisfies Method<z.output<typeof params>>,
] as Method<unknown>[];
