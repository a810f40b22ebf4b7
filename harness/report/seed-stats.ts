import type { SeedSummary } from './model-types.ts';

/** Mean and sample standard deviation (n − 1) of per-seed values; undefined without values. */
export function summarizeSeeds(values: readonly (number | undefined)[]): SeedSummary | undefined {
  const present = values.filter(
    (value): value is number => typeof value === 'number' && Number.isFinite(value),
  );
  if (present.length === 0) return undefined;
  const mean = present.reduce((sum, value) => sum + value, 0) / present.length;
  if (present.length === 1) return { mean, values: present };
  const variance = present.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (present.length - 1);
  return { mean, sd: Math.sqrt(variance), values: present };
}

/** Index of the value closest to the mean (the median-like representative seed); ties go to the first. */
export function representativeIndex(values: readonly number[]): number {
  if (values.length === 0) return -1;
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  let best = 0;
  for (let i = 1; i < values.length; i++) {
    if (Math.abs(values[i] - mean) < Math.abs(values[best] - mean) - 1e-15) best = i;
  }
  return best;
}
