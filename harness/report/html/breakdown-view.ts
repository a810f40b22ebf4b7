/** The per-label and per-source breakdown's view: P, R and F1 (headline protocol) per scope. */
import { meanSd, pct } from '../format.ts';
import type { ReportModel } from '../model-types.ts';
import { PROTOCOL_TITLES } from '../protocols.ts';

export interface BreakdownView {
  protocolTitle: string;
  scopes: string[];
  rows: { label: string; cells: { text: string; title?: string; metric?: string; value?: number }[] }[];
}

export function breakdownView(model: ReportModel): BreakdownView {
  const digits = model.settings.digits;
  const scopes = ['SKILL', 'KNOWLEDGE', ...model.sources];
  return {
    protocolTitle: PROTOCOL_TITLES[model.settings.protocol],
    scopes,
    rows: model.breakdownRows.map((row) => ({
      label: row.label,
      cells: scopes.flatMap((scope) => {
        const numbers = row.scopes[scope];
        return [
          { text: pct(numbers?.precision?.mean, digits), title: 'precision, mean over seeds' },
          { text: pct(numbers?.recall?.mean, digits), title: 'recall, mean over seeds' },
          {
            text: meanSd(numbers?.f1, digits),
            title: 'F1, mean ± sd over seeds',
            metric: `test.${model.settings.protocol}.${scope}.f1`,
            value: numbers?.f1?.mean,
          },
        ];
      }),
    })),
  };
}
