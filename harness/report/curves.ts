/**
 * Learning curves: every metric a run logged with a step (loss by step, dev F1 by epoch), one
 * series per metric name and seed, thinned to at most MAX_POINTS points (evenly, keeping the first
 * and the last) so the file stays small.
 */
import type { MetricPoint } from '../tracking/store.ts';
import type { CurveSeries } from './model-types.ts';

const MAX_POINTS = 120;

export type CurveKind = 'loss' | 'quality' | 'diagnostic';

/**
 * Which chart a stepped metric belongs on: losses; quality scores in [0, 1] (dev F1, precision,
 * recall, accuracy); and training diagnostics on their own scales (gradient norm, learning rate),
 * which would flatten the F1 curves if drawn with them.
 */
export function curveKind(name: string): CurveKind {
  if (/loss/i.test(name)) return 'loss';
  if (/(^|[._])(f1|precision|recall|accuracy|macro_f1|dev_f1)$/i.test(name)) return 'quality';
  return 'diagnostic';
}

function thin<T>(points: readonly T[], max = MAX_POINTS): T[] {
  if (points.length <= max) return [...points];
  const kept: T[] = [];
  for (let k = 0; k < max; k++) kept.push(points[Math.round((k * (points.length - 1)) / (max - 1))]);
  return kept;
}

/** A run's stepped metrics as series (points ordered by step; a step logged twice keeps the last). */
export function curvesOfRun(history: readonly MetricPoint[], seed: number): CurveSeries[] {
  const byName = new Map<string, Map<number, number>>();
  for (const point of history) {
    if (point.step === undefined || !Number.isFinite(point.value)) continue;
    const steps = byName.get(point.name) ?? new Map<number, number>();
    steps.set(point.step, point.value);
    byName.set(point.name, steps);
  }
  return [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, steps]) => ({
      name,
      seed,
      points: thin([...steps.entries()].sort(([a], [b]) => a - b).map(([step, value]) => ({ step, value }))),
    }));
}
