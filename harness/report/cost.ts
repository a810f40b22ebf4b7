/**
 * Cost and speed of a row's runs: training time and inference speed from the runner's timings,
 * API usage (tokens, cost) where the method recorded it as summary metrics, and the hardware and
 * tfjs backend from each run's environment.
 */
import type { RunRecord } from '../tracking/types.ts';
import type { CostRow } from './model-types.ts';
import { summarizeSeeds } from './seed-stats.ts';

/** Summary metrics that describe API usage rather than quality. */
export function isUsageMetric(name: string): boolean {
  return /(^|[._])(tokens?|prompt_tokens|completion_tokens|total_tokens|cost|cost_usd|usd|requests|api_calls)([._]|$)/i.test(
    name,
  );
}

function backendOf(run: RunRecord): string | undefined {
  const facts = run.environment?.method;
  if (!facts) return undefined;
  for (const [name, value] of Object.entries(facts)) {
    if (/backend/i.test(name) && (typeof value === 'string' || typeof value === 'number'))
      return String(value);
  }
  return undefined;
}

function hardwareOf(run: RunRecord): string | undefined {
  const environment = run.environment;
  if (!environment) return undefined;
  const cpu = `${environment.cpu} ×${environment.cpuCount}`;
  return environment.gpu ? `${environment.gpu}; ${cpu}` : cpu;
}

export function costRow(
  rowId: string,
  label: string,
  runs: readonly RunRecord[],
  metricsOf: (runId: number) => Record<string, number>,
): CostRow {
  const timing = (name: string) => summarizeSeeds(runs.map((run) => run.timings[name]));
  const usage = new Map<string, number[]>();
  for (const run of runs) {
    for (const [name, value] of Object.entries(metricsOf(run.id))) {
      if (!isUsageMetric(name)) continue;
      usage.set(name, [...(usage.get(name) ?? []), value]);
    }
  }
  const distinct = (values: (string | undefined)[]) => [...new Set(values.filter((v): v is string => !!v))];
  return {
    rowId,
    label,
    seeds: runs.length,
    trainSeconds: timing('train_s'),
    sentencesPerSecond: timing('inference_sentences_per_s'),
    predictTestSeconds: timing('predict_test_s'),
    usage: [...usage.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, values]) => ({ name, mean: values.reduce((s, v) => s + v, 0) / values.length })),
    hardware: distinct(runs.map(hardwareOf)),
    backends: distinct(runs.map(backendOf)),
  };
}
