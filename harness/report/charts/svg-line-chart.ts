/**
 * A line chart as inline SVG: learning curves (value by step), one colour per series name, one
 * line per seed (seeds of a name share its colour, with a distinct dash), a legend of the names.
 */
import { escapeXml, formatTick, linearScale, niceDomain, niceTicks, PALETTE, svgOpen } from './svg-util.ts';

export interface LineSeries {
  name: string;
  /** drawn as a separate line of the same colour */
  group?: string | number;
  points: { x: number; y: number }[];
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** fixed y range (e.g. [0, 1] for F1) */
  yDomain?: [number, number];
}

const DASHES = ['', '5 3', '2 2', '8 3 2 3', '1 3'];

export function lineChart(series: readonly LineSeries[], options: LineChartOptions): string {
  const width = options.width ?? 520;
  const height = options.height ?? 260;
  const margin = { top: 28, right: 12, bottom: 40, left: 52 };
  const legendRows = [...new Set(series.map((s) => s.name))];
  const seedCount = new Set(series.map((s) => s.group).filter((g) => g !== undefined)).size;
  const legendHeight = 16 * (legendRows.length + (seedCount > 1 ? 1 : 0));
  const plotBottom = height - margin.bottom;
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return '';
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  const xDomain = niceDomain(Math.min(...xs), Math.max(...xs), 6);
  const yDomain = options.yDomain ?? niceDomain(Math.min(...ys), Math.max(...ys), 5);
  const x = linearScale(xDomain, [margin.left, width - margin.right]);
  const y = linearScale(yDomain, [plotBottom, margin.top]);
  const parts = [svgOpen(width, height + legendHeight, options.title, 'line-chart')];
  parts.push(`<text class="chart-title" x="${margin.left}" y="16">${escapeXml(options.title)}</text>`);
  for (const tick of niceTicks(yDomain[0], yDomain[1], 5)) {
    parts.push(
      `<line class="grid" x1="${margin.left}" x2="${width - margin.right}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}"/>`,
      `<text class="tick" x="${margin.left - 6}" y="${(y(tick) + 4).toFixed(1)}" text-anchor="end">${formatTick(tick)}</text>`,
    );
  }
  for (const tick of niceTicks(xDomain[0], xDomain[1], 6)) {
    parts.push(
      `<line class="axis-tick" x1="${x(tick).toFixed(1)}" x2="${x(tick).toFixed(1)}" y1="${plotBottom}" y2="${plotBottom + 4}"/>`,
      `<text class="tick" x="${x(tick).toFixed(1)}" y="${plotBottom + 16}" text-anchor="middle">${formatTick(tick)}</text>`,
    );
  }
  parts.push(
    `<line class="axis" x1="${margin.left}" x2="${width - margin.right}" y1="${plotBottom}" y2="${plotBottom}"/>`,
    `<text class="axis-label" x="${(margin.left + width - margin.right) / 2}" y="${plotBottom + 32}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text class="axis-label" transform="translate(12 ${(margin.top + plotBottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
  );
  const seedOrder = [...new Set(series.map((s) => s.group))];
  for (const s of series) {
    const color = PALETTE[legendRows.indexOf(s.name) % PALETTE.length];
    const dash = DASHES[seedOrder.indexOf(s.group) % DASHES.length];
    const path = s.points
      .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.x).toFixed(1)} ${y(p.y).toFixed(1)}`)
      .join('');
    const label = `${s.name}${s.group === undefined ? '' : ` (seed ${s.group})`}`;
    parts.push(
      `<path class="series" d="${path}" stroke="${color}"${dash ? ` stroke-dasharray="${dash}"` : ''} fill="none"><title>${escapeXml(label)}</title></path>`,
    );
    if (s.points.length === 1) {
      const p = s.points[0];
      parts.push(`<circle cx="${x(p.x).toFixed(1)}" cy="${y(p.y).toFixed(1)}" r="2.5" fill="${color}"/>`);
    }
  }
  legendRows.forEach((name, i) => {
    const top = height + 16 * i;
    parts.push(
      `<line x1="${margin.left}" x2="${margin.left + 18}" y1="${top - 4}" y2="${top - 4}" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="2"/>`,
      `<text class="legend" x="${margin.left + 24}" y="${top}">${escapeXml(name)}</text>`,
    );
  });
  if (seedCount > 1) {
    const top = height + 16 * legendRows.length;
    let left = margin.left;
    seedOrder.forEach((seed, k) => {
      const dash = DASHES[k % DASHES.length];
      parts.push(
        `<line class="seed-key" x1="${left}" x2="${left + 18}" y1="${top - 4}" y2="${top - 4}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
        `<text class="legend" x="${left + 22}" y="${top}">seed ${escapeXml(String(seed))}</text>`,
      );
      left += 80;
    });
  }
  parts.push('</svg>');
  return parts.join('');
}
