/**
 * Horizontal 100% stacked bars as inline SVG: for each row, the shares of each category (error
 * kinds of gold or predicted spans), with the count in each segment's tooltip and a legend.
 */
import { escapeXml, svgOpen } from './svg-util.ts';

export interface StackedBar {
  label: string;
  /** counts per category, in the categories' order */
  counts: number[];
}

export interface StackedBarOptions {
  title: string;
  categories: string[];
  colors: string[];
  width?: number;
}

export function stackedBars(bars: readonly StackedBar[], options: StackedBarOptions): string {
  if (bars.length === 0) return '';
  const labelWidth = Math.min(220, 12 + 7 * Math.max(...bars.map((bar) => bar.label.length)));
  const width = options.width ?? 640;
  const barHeight = 16;
  const gap = 8;
  const top = 26;
  const legendTop = top + bars.length * (barHeight + gap) + 14;
  const height = legendTop + 8;
  const plotWidth = width - labelWidth - 12;
  const parts = [svgOpen(width, height, options.title, 'stacked-bars')];
  parts.push(`<text class="chart-title" x="4" y="16">${escapeXml(options.title)}</text>`);
  bars.forEach((bar, i) => {
    const y = top + i * (barHeight + gap);
    const total = bar.counts.reduce((sum, count) => sum + count, 0);
    parts.push(
      `<text class="row-label" x="${labelWidth - 8}" y="${y + 12}" text-anchor="end">${escapeXml(bar.label)}</text>`,
    );
    let left = labelWidth;
    bar.counts.forEach((count, c) => {
      if (total === 0 || count === 0) return;
      const w = (count / total) * plotWidth;
      const share = ((100 * count) / total).toFixed(1);
      parts.push(
        `<rect x="${left.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${options.colors[c]}"><title>${escapeXml(`${bar.label}: ${options.categories[c]} ${count} (${share}%)`)}</title></rect>`,
      );
      if (w > 30) {
        parts.push(
          `<text class="segment" x="${(left + w / 2).toFixed(1)}" y="${y + 12}" text-anchor="middle">${share}%</text>`,
        );
      }
      left += w;
    });
  });
  let left = labelWidth;
  options.categories.forEach((category, c) => {
    parts.push(
      `<rect x="${left}" y="${legendTop - 9}" width="10" height="10" fill="${options.colors[c]}"/>`,
      `<text class="legend" x="${left + 14}" y="${legendTop}">${escapeXml(category)}</text>`,
    );
    left += 22 + 6.5 * category.length;
  });
  parts.push('</svg>');
  return parts.join('');
}
