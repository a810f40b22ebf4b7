/** Report formats and where each goes by default (light: the CLI's option parsing reads it). */
export const REPORT_FORMATS = ['html', 'md', 'latex'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Paths under the project root. */
export const DEFAULT_OUTPUTS: Record<ReportFormat, string> = {
  html: 'reports/out/index.html',
  md: 'reports/out/leaderboard.md',
  latex: 'reports/out/leaderboard.tex',
};
