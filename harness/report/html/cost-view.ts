/** The cost and speed section's view: timings, throughput, API usage, hardware and backend per row. */
import { rate, secondsWithSd } from '../format.ts';
import type { ReportModel, SeedSummary } from '../model-types.ts';

export interface CostView {
  rows: {
    label: string;
    seeds: number;
    train: string;
    throughput: string;
    predict: string;
    usage: string[];
    hardware: string;
    backend: string;
  }[];
}

function withSd(summary: SeedSummary | undefined, format: (value: number) => string): string {
  if (!summary) return '–';
  return summary.sd === undefined ? format(summary.mean) : `${format(summary.mean)} ± ${format(summary.sd)}`;
}

function usageValue(name: string, value: number): string {
  if (/cost|usd/i.test(name)) return `$${value.toFixed(2)}`;
  if (/latency_ms/i.test(name)) return `${value.toFixed(0)} ms`;
  return value >= 1e6
    ? `${(value / 1e6).toFixed(2)}M`
    : value >= 1e3
      ? `${(value / 1e3).toFixed(1)}k`
      : value.toFixed(0);
}

export function costView(model: ReportModel): CostView {
  return {
    rows: model.cost.map((row) => ({
      label: row.label,
      seeds: row.seeds,
      train: row.trainSeconds ? secondsWithSd(row.trainSeconds.mean, row.trainSeconds.sd) : '–',
      throughput: withSd(row.sentencesPerSecond, rate),
      predict: row.predictTestSeconds
        ? secondsWithSd(row.predictTestSeconds.mean, row.predictTestSeconds.sd)
        : '–',
      usage: row.usage.map((entry) => `${entry.name} ${usageValue(entry.name, entry.mean)} per run`),
      hardware: row.hardware.join('; ') || '–',
      backend: row.backends.join(', ') || '–',
    })),
  };
}
