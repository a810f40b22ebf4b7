/** The scoring API other modules use (runner, report, CLI). */
export { type BootstrapOptions, type BootstrapResult, bootstrapConfidenceIntervals } from './bootstrap.ts';
export { type SplitStats, splitStats } from './dataset-stats.ts';
export {
  analyzeErrors,
  classifySpans,
  type ErrorAnalysis,
  type SpanClassification,
} from './error-analysis.ts';
export { F1_METRIC_NAMES, f1Metric, PRIMARY_F1_METRICS } from './f1-metrics.ts';
export { nerevalPrintedPercentages } from './nereval.ts';
export { RESAMPLE_UNITS, type ResampleUnit } from './resampling.ts';
export { type ScoreCounts, type ScoreOptions, type ScoreReport, scoreAll, scoreProtocols } from './score.ts';
export { scoreFiles } from './score-files.ts';
export { formatScoreTable } from './score-table.ts';
export {
  computeSentenceStats,
  type PreparedGold,
  prepareGold,
  type SentenceStats,
} from './sentence-stats.ts';
export {
  type PairedTestOptions,
  type PairedTestResult,
  pairedTest,
  pairedTestFromStats,
} from './significance.ts';
export type * from './types.ts';
