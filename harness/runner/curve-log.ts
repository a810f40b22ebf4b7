import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricPoint } from '../tracking/store.ts';

/**
 * The metric points a method logged while training, appended to curves.jsonl in the run's artifact
 * folder. The trained model lives in that folder too, and a store that reuses it (two stores in one
 * folder share it; see executeRun) copies the curves from here, so its run is as complete as the
 * one that trained. A step logged again after a resume appears twice; the last line wins.
 */
export const CURVE_LOG = 'curves.jsonl';

export function appendCurvePoint(artifactDir: string, point: MetricPoint): void {
  appendFileSync(join(artifactDir, CURVE_LOG), `${JSON.stringify(point)}\n`);
}

/** The points in the log, or undefined when there is none; a line a kill cut short is skipped. */
export function readCurvePoints(artifactDir: string): MetricPoint[] | undefined {
  const path = join(artifactDir, CURVE_LOG);
  if (!existsSync(path)) return undefined;
  const points: MetricPoint[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const point = JSON.parse(line) as MetricPoint;
      if (typeof point.name === 'string' && typeof point.value === 'number') points.push(point);
    } catch {
      // the last line of a killed run
    }
  }
  return points;
}
