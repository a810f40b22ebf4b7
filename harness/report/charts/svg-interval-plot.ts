/**
 * A dot-and-whisker plot as inline SVG: one line per row, a filled dot for the reproduced mean, a
 * whisker for its interval, and hollow markers for other values of the same row (the published
 * number, other protocols), each kind with its own shape and a legend.
 */
import { escapeXml, formatTick, linearScale, niceDomain, niceTicks, PALETTE, svgOpen } from './svg-util.ts';

export interface IntervalItem {
  label: string;
  estimate?: number;
  lower?: number;
  upper?: number;
  /** extra markers: index into the plot's `markers` legend */
  marks?: { kind: number; value: number; title: string }[];
  emphasis?: boolean;
}

export interface IntervalPlotOptions {
  title: string;
  xLabel: string;
  /** legend of the filled dot and of each marker kind */
  estimateLabel: string;
  markers?: string[];
  width?: number;
  domain?: [number, number];
}

const SHAPES = ['diamond', 'square', 'triangle', 'circle'];

function marker(shape: string, cx: number, cy: number, color: string, title: string): string {
  const t = `<title>${escapeXml(title)}</title>`;
  switch (shape) {
    case 'diamond':
      return `<path class="mark" d="M${cx} ${cy - 5}L${cx + 5} ${cy}L${cx} ${cy + 5}L${cx - 5} ${cy}Z" stroke="${color}" fill="#fff">${t}</path>`;
    case 'square':
      return `<rect class="mark" x="${cx - 4}" y="${cy - 4}" width="8" height="8" stroke="${color}" fill="#fff">${t}</rect>`;
    case 'triangle':
      return `<path class="mark" d="M${cx} ${cy - 5}L${cx + 5} ${cy + 4}L${cx - 5} ${cy + 4}Z" stroke="${color}" fill="#fff">${t}</path>`;
    default:
      return `<circle class="mark" cx="${cx}" cy="${cy}" r="4" stroke="${color}" fill="#fff">${t}</circle>`;
  }
}

export function intervalPlot(items: readonly IntervalItem[], options: IntervalPlotOptions): string {
  const values = items.flatMap((item) =>
    [item.estimate, item.lower, item.upper, ...(item.marks ?? []).map((m) => m.value)].filter(
      (v): v is number => v !== undefined && Number.isFinite(v),
    ),
  );
  if (values.length === 0) return '';
  const labelWidth = Math.min(220, 12 + 7 * Math.max(...items.map((item) => item.label.length)));
  const width = options.width ?? 640;
  const rowHeight = 22;
  const top = 30;
  const plotHeight = rowHeight * items.length;
  const legendTop = top + plotHeight + 38;
  const height = legendTop + 10;
  const domain = options.domain ?? niceDomain(Math.min(...values), Math.max(...values), 6);
  const x = linearScale(domain, [labelWidth, width - 16]);
  const parts = [svgOpen(width, height, options.title, 'interval-plot')];
  parts.push(`<text class="chart-title" x="4" y="16">${escapeXml(options.title)}</text>`);
  for (const tick of niceTicks(domain[0], domain[1], 6)) {
    const px = x(tick).toFixed(1);
    parts.push(
      `<line class="grid" x1="${px}" x2="${px}" y1="${top}" y2="${top + plotHeight}"/>`,
      `<text class="tick" x="${px}" y="${top + plotHeight + 14}" text-anchor="middle">${formatTick(tick)}</text>`,
    );
  }
  parts.push(
    `<text class="axis-label" x="${(labelWidth + width - 16) / 2}" y="${top + plotHeight + 28}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
  );
  items.forEach((item, i) => {
    const cy = top + rowHeight * i + rowHeight / 2;
    parts.push(
      `<text class="row-label${item.emphasis ? ' emphasis' : ''}" x="${labelWidth - 8}" y="${cy + 4}" text-anchor="end">${escapeXml(item.label)}</text>`,
    );
    if (item.lower !== undefined && item.upper !== undefined) {
      parts.push(
        `<line class="whisker" x1="${x(item.lower).toFixed(1)}" x2="${x(item.upper).toFixed(1)}" y1="${cy}" y2="${cy}"/>`,
        `<line class="whisker" x1="${x(item.lower).toFixed(1)}" x2="${x(item.lower).toFixed(1)}" y1="${cy - 4}" y2="${cy + 4}"/>`,
        `<line class="whisker" x1="${x(item.upper).toFixed(1)}" x2="${x(item.upper).toFixed(1)}" y1="${cy - 4}" y2="${cy + 4}"/>`,
      );
    }
    for (const mark of item.marks ?? []) {
      parts.push(
        marker(
          SHAPES[mark.kind % SHAPES.length],
          Number(x(mark.value).toFixed(1)),
          cy,
          PALETTE[(mark.kind + 1) % PALETTE.length],
          mark.title,
        ),
      );
    }
    if (item.estimate !== undefined) {
      parts.push(
        `<circle class="estimate" cx="${x(item.estimate).toFixed(1)}" cy="${cy}" r="4.5" fill="${PALETTE[0]}"><title>${escapeXml(`${item.label}: ${formatTick(item.estimate)}`)}</title></circle>`,
      );
    }
  });
  let left = labelWidth;
  parts.push(`<circle cx="${left + 5}" cy="${legendTop - 4}" r="4.5" fill="${PALETTE[0]}"/>`);
  parts.push(
    `<text class="legend" x="${left + 14}" y="${legendTop}">${escapeXml(options.estimateLabel)}</text>`,
  );
  left += 24 + 6.5 * options.estimateLabel.length;
  (options.markers ?? []).forEach((label, kind) => {
    parts.push(
      marker(
        SHAPES[kind % SHAPES.length],
        left + 5,
        legendTop - 4,
        PALETTE[(kind + 1) % PALETTE.length],
        label,
      ),
    );
    parts.push(`<text class="legend" x="${left + 14}" y="${legendTop}">${escapeXml(label)}</text>`);
    left += 24 + 6.5 * label.length;
  });
  parts.push('</svg>');
  return parts.join('');
}
