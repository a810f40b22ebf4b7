/**
 * The protocol section's view: every reproduced row's predictions under every scorer (totals and
 * per label) and a plot of how far the three protocols move each row's total.
 */
import { intervalPlot } from '../charts/svg-interval-plot.ts';
import { meanSd, printed } from '../format.ts';
import type { ReportModel } from '../model-types.ts';
import { HEADLINE_PROTOCOLS, PROTOCOL_COLUMNS, PROTOCOL_TITLES } from '../protocols.ts';

export interface ProtocolView {
  columns: string[];
  rows: {
    label: string;
    cells: { text: string; value?: number; metric: string }[];
    spread: string;
    macro: string;
  }[];
  labelColumns: string[];
  labelRows: { label: string; cells: string[] }[];
  plot: string;
}

export function protocolView(model: ReportModel): ProtocolView {
  const digits = model.settings.digits;
  const headline = model.settings.protocol;
  const others = HEADLINE_PROTOCOLS.filter((p) => p !== headline);
  const plot = intervalPlot(
    model.protocolRows.map((row) => {
      const main = row.values[headline]?.overall;
      const ci = model.rows.find((r) => r.id === row.rowId)?.reproduced?.scopes.overall?.ci;
      return {
        label: row.label,
        estimate: main ? 100 * main.mean : undefined,
        lower: ci ? 100 * ci.lower : undefined,
        upper: ci ? 100 * ci.upper : undefined,
        marks: others.flatMap((protocol, kind) => {
          const value = row.values[protocol]?.overall;
          return value
            ? [
                {
                  kind,
                  value: 100 * value.mean,
                  title: `${PROTOCOL_TITLES[protocol]}: ${(100 * value.mean).toFixed(2)}`,
                },
              ]
            : [];
        }),
      };
    }),
    {
      title: 'The same predictions, three scorers: total span F1 (%)',
      xLabel: 'Total span F1 (%)',
      estimateLabel: `${PROTOCOL_TITLES[headline]} (95% CI)`,
      markers: others.map((protocol) => PROTOCOL_TITLES[protocol]),
    },
  );
  return {
    columns: PROTOCOL_COLUMNS.map((protocol) => PROTOCOL_TITLES[protocol]),
    rows: model.protocolRows.map((row) => ({
      label: row.label,
      cells: PROTOCOL_COLUMNS.map((protocol) => ({
        text: meanSd(row.values[protocol]?.overall, digits),
        value: row.values[protocol]?.overall?.mean,
        metric: `test.${protocol}.overall.f1`,
      })),
      spread: printed(row.spread, digits),
      macro: meanSd(row.setMacro, digits),
    })),
    labelColumns: (['SKILL', 'KNOWLEDGE'] as const).flatMap((label) =>
      HEADLINE_PROTOCOLS.map((protocol) => `${label}: ${PROTOCOL_TITLES[protocol]}`),
    ),
    labelRows: model.protocolRows.map((row) => ({
      label: row.label,
      cells: (['SKILL', 'KNOWLEDGE'] as const).flatMap((label) =>
        HEADLINE_PROTOCOLS.map((protocol) => meanSd(row.values[protocol]?.[label], digits)),
      ),
    })),
    plot,
  };
}
