/**
 * The protocol table and the per-label / per-source breakdown, straight from the metrics the
 * runner stored for each run (mean ± sd over the row's seeds): the same predictions, every scorer.
 */
import type { BreakdownRow, ProtocolRow, SeedSummary } from './model-types.ts';
import {
  HEADLINE_PROTOCOLS,
  PROTOCOL_COLUMNS,
  storeMetricName,
  TABLE_SCOPES,
  type TableScope,
} from './protocols.ts';
import { summarizeSeeds } from './seed-stats.ts';

type MetricsList = readonly Record<string, number>[];

function over(metrics: MetricsList, name: string): SeedSummary | undefined {
  return summarizeSeeds(metrics.map((values) => values[name]));
}

export function protocolRow(rowId: string, label: string, metrics: MetricsList): ProtocolRow {
  const values: ProtocolRow['values'] = {};
  for (const protocol of PROTOCOL_COLUMNS) {
    const scopes: Partial<Record<TableScope, SeedSummary>> = {};
    for (const scope of TABLE_SCOPES) {
      const summary = over(metrics, storeMetricName('test', protocol, scope));
      if (summary) scopes[scope] = summary;
    }
    values[protocol] = scopes;
  }
  const totals = HEADLINE_PROTOCOLS.map((protocol) => values[protocol]?.overall?.mean).filter(
    (value): value is number => value !== undefined,
  );
  return {
    rowId,
    label,
    values,
    setMacro: over(metrics, 'test.set.overall.macro_f1'),
    spread: totals.length > 1 ? 100 * (Math.max(...totals) - Math.min(...totals)) : undefined,
  };
}

export function breakdownRow(
  rowId: string,
  label: string,
  metrics: MetricsList,
  protocol: string,
  scopes: readonly string[],
): BreakdownRow {
  const result: BreakdownRow['scopes'] = {};
  for (const scope of scopes) {
    result[scope] = {
      precision: over(metrics, storeMetricName('test', protocol, scope, 'precision')),
      recall: over(metrics, storeMetricName('test', protocol, scope, 'recall')),
      f1: over(metrics, storeMetricName('test', protocol, scope, 'f1')),
    };
  }
  return { rowId, label, scopes: result };
}
