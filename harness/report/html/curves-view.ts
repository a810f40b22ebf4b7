/** The learning-curve section's view: for each trained row, a loss chart, a dev-quality chart and a diagnostics chart. */
import { lineChart } from '../charts/svg-line-chart.ts';
import type { CurveSeries, ReportModel } from '../model-types.ts';

export interface CurvesView {
  sets: { label: string; seeds: string; charts: string[] }[];
}

function chart(
  series: readonly CurveSeries[],
  title: string,
  yLabel: string,
  yDomain?: [number, number],
): string {
  return lineChart(
    series.map((s) => ({
      name: s.name,
      group: s.seed,
      points: s.points.map((p) => ({ x: p.step, y: p.value })),
    })),
    { title, xLabel: 'step', yLabel, yDomain },
  );
}

export function curvesView(model: ReportModel): CurvesView {
  return {
    sets: model.curves.map((set) => {
      const metricsAreFractions = set.metrics.every((s) =>
        s.points.every((p) => p.value >= 0 && p.value <= 1),
      );
      const charts = [
        set.loss.length ? chart(set.loss, `${set.label}: loss`, 'loss') : '',
        set.metrics.length
          ? chart(set.metrics, `${set.label}: dev scores`, 'score', metricsAreFractions ? [0, 1] : undefined)
          : '',
        ...set.diagnostics
          .map((series) => series.name)
          .filter((name, i, names) => names.indexOf(name) === i)
          .map((name) =>
            chart(
              set.diagnostics.filter((s) => s.name === name),
              `${set.label}: ${name}`,
              name.split('.').at(-1) ?? name,
            ),
          ),
      ].filter(Boolean);
      const seeds = [...new Set([...set.loss, ...set.metrics, ...set.diagnostics].map((s) => s.seed))];
      return { label: set.label, seeds: seeds.join(', '), charts };
    }),
  };
}
