/**
 * Token usage, latency, cost and request counts of one run. Kept in a JSON file in the run's
 * artifact folder, so a run killed and resumed reports what both processes spent.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

const usageTotals = z.object({
  /** requests sent to the engine, every try counted */
  requests: z.number().default(0),
  /** requests that failed (then retried or given up) */
  failed_requests: z.number().default(0),
  /** answers taken from the response cache */
  cache_hits: z.number().default(0),
  prompt_tokens: z.number().default(0),
  completion_tokens: z.number().default(0),
  /** USD; stays 0 when no price is known for the model */
  cost_usd: z.number().default(0),
  /** sum of answered requests' latencies (for the mean) and the slowest one, milliseconds */
  latency_ms_total: z.number().default(0),
  latency_ms_max: z.number().default(0),
  /** answers that got a latency (successful requests) */
  answered: z.number().default(0),
});

export type UsageTotals = z.infer<typeof usageTotals>;

export class UsageLedger {
  readonly totals: UsageTotals;

  /** `file`: where the totals persist (read on start when present); in memory only when omitted. */
  constructor(private readonly file?: string) {
    this.totals = usageTotals.parse(file && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {});
  }

  add(delta: Partial<UsageTotals>): void {
    for (const [name, value] of Object.entries(delta) as [keyof UsageTotals, number][]) {
      this.totals[name] =
        name === 'latency_ms_max' ? Math.max(this.totals[name], value) : this.totals[name] + value;
    }
    if (this.file) writeFileSync(this.file, JSON.stringify(this.totals));
  }

  /** Summary metrics under `llm.` (the report's cost section shows the usage ones). */
  metrics(): Record<string, number> {
    const t = this.totals;
    return {
      'llm.requests': t.requests,
      'llm.failed_requests': t.failed_requests,
      'llm.cache_hits': t.cache_hits,
      'llm.prompt_tokens': t.prompt_tokens,
      'llm.completion_tokens': t.completion_tokens,
      'llm.cost_usd': t.cost_usd,
      'llm.latency_ms_mean': t.answered ? t.latency_ms_total / t.answered : 0,
      'llm.latency_ms_max': t.latency_ms_max,
    };
  }
}
