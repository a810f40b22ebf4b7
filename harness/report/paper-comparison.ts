/**
 * Reproduced vs published: our mean over seeds under the PAPER's protocol minus the paper's number,
 * per Table 2 column. Where the paper used a protocol the harness does not compute (seqeval on
 * skills only, merged labels), no difference is given: a number under another scorer would
 * mislead (the protocol table shows how far scorers move the same predictions).
 */
import type { PaperComparison, PublishedNumbers } from './model-types.ts';
import { isHeadlineProtocol, PROTOCOL_TITLES, storeMetricName, TABLE_SCOPES } from './protocols.ts';
import { summarizeSeeds } from './seed-stats.ts';

export function compareWithPaper(
  published: PublishedNumbers,
  metrics: readonly Record<string, number>[],
): PaperComparison[] {
  return TABLE_SCOPES.map((scope) => {
    const paper = published.f1[scope];
    if (paper === undefined) return { scope, reason: 'not reported in the paper' };
    if (!isHeadlineProtocol(published.protocol)) {
      return {
        scope,
        paper,
        reason: `the paper used ${PROTOCOL_TITLES[published.protocol] ?? published.protocol}, which the harness does not compute`,
      };
    }
    const summary = summarizeSeeds(
      metrics.map((values) => values[storeMetricName('test', published.protocol, scope)]),
    );
    if (!summary)
      return { scope, paper, protocol: published.protocol, reason: 'no stored metric for this protocol' };
    const ours = 100 * summary.mean;
    return { scope, paper, ours, delta: ours - paper, protocol: published.protocol };
  });
}
