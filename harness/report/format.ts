/**
 * Number formatting shared by every renderer: F1 as percentages with a fixed number of decimals
 * (Table 2 prints one), signed differences, p-values, durations and byte sizes.
 */
import type { SeedSummary } from './model-types.ts';

export function pct(value: number | undefined, digits = 1): string {
  return value === undefined || Number.isNaN(value) ? '–' : (100 * value).toFixed(digits);
}

/** A percent value as printed in a paper (already in percent). */
export function printed(value: number | undefined, digits = 1): string {
  return value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits);
}

/** Signed percentage points: +0.4, −1.2 (a real minus sign). */
export function signed(value: number | undefined, digits = 1): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  const text = Math.abs(value).toFixed(digits);
  if (Number(text) === 0) return `±${text}`;
  return value > 0 ? `+${text}` : `−${text}`;
}

/** "57.3 ± 0.4" (F1 fractions shown as percent); just the mean with one seed. */
export function meanSd(summary: SeedSummary | undefined, digits = 1, plusMinus = ' ± '): string {
  if (!summary) return '–';
  const mean = pct(summary.mean, digits);
  return summary.sd === undefined ? mean : `${mean}${plusMinus}${pct(summary.sd, digits)}`;
}

export function pValue(p: number | undefined): string {
  if (p === undefined || Number.isNaN(p)) return '–';
  if (p < 0.001) return '< 0.001';
  if (p >= 0.995) return '1.00';
  return p < 0.01 ? p.toFixed(3) : p.toFixed(2);
}

/** The unit a duration of `value` seconds is best shown in. */
function durationUnit(value: number): { divisor: number; suffix: string; digits: number } {
  if (value < 1) return { divisor: 0.001, suffix: 'ms', digits: 0 };
  if (value < 120) return { divisor: 1, suffix: 's', digits: 1 };
  if (value < 7200) return { divisor: 60, suffix: 'min', digits: 1 };
  return { divisor: 3600, suffix: 'h', digits: 1 };
}

export function seconds(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  const unit = durationUnit(value);
  return `${(value / unit.divisor).toFixed(unit.digits)} ${unit.suffix}`;
}

/** "10.3 ± 0.2 min": mean and sd of durations in the unit of the mean. */
export function secondsWithSd(mean: number, sd: number | undefined): string {
  if (sd === undefined) return seconds(mean);
  const unit = durationUnit(mean);
  return `${(mean / unit.divisor).toFixed(unit.digits)} ± ${(sd / unit.divisor).toFixed(unit.digits)} ${unit.suffix}`;
}

export function rate(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toPrecision(2);
}

export function bytes(value: number): string {
  if (value < 1024) return `${value} B`;
  if (value < 1024 * 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${(value / 1024 / 1024).toFixed(2)} MiB`;
}

export function count(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
