/** The leaderboard section's view: the shared table (leaderboard-table.ts) plus its dot-and-whisker plot. */
import { intervalPlot } from '../charts/svg-interval-plot.ts';
import { buildLeaderboardTable, type LeaderboardTable } from '../leaderboard-table.ts';
import type { ReportModel } from '../model-types.ts';
import { PROTOCOL_TITLES } from '../protocols.ts';

export interface LeaderboardView extends LeaderboardTable {
  groups: (LeaderboardTable['groups'][number] & { startsExtra: boolean })[];
  plot: string;
  protocolTitle: string;
}

export function leaderboardView(model: ReportModel): LeaderboardView {
  const table = buildLeaderboardTable(model, 'both');
  const items = model.rows
    .filter((row) => row.reproduced?.scopes.overall || row.published?.f1.overall !== undefined)
    .map((row) => {
      const total = row.reproduced?.scopes.overall;
      const paper = row.published?.f1.overall;
      return {
        label: row.label,
        estimate: total ? 100 * total.mean : undefined,
        lower: total?.ci ? 100 * total.ci.lower : undefined,
        upper: total?.ci ? 100 * total.ci.upper : undefined,
        emphasis: row.significance?.role === 'best',
        marks:
          paper === undefined
            ? []
            : [
                {
                  kind: 0,
                  value: paper,
                  title: `published ${paper} (${PROTOCOL_TITLES[row.published!.protocol] ?? row.published!.protocol})`,
                },
              ],
      };
    });
  const protocolTitle = PROTOCOL_TITLES[model.settings.protocol];
  const firstExtra = table.groups.findIndex((group) => !group.inPaper);
  return {
    ...table,
    groups: table.groups.map((group, i) => ({ ...group, startsExtra: i === firstExtra && i > 0 })),
    protocolTitle,
    plot: intervalPlot(items, {
      title: `Total span F1 (%): reproduced (${protocolTitle}) with 95% CI, and published`,
      xLabel: 'Total span F1 (%)',
      estimateLabel: 'reproduced mean, 95% CI',
      markers: ["published (the paper's protocol)"],
    }),
  };
}
