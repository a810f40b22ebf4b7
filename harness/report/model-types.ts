/**
 * The typed ReportModel: everything a report shows, computed from the store (model.ts) before any
 * rendering. Renderers (HTML, Markdown, LaTeX) only format it. F1 values are fractions in [0, 1];
 * published numbers stay in percent, as printed in the paper.
 */
import type { ErrorAnalysis } from '../eval/error-analysis.ts';
import type { ResampleUnit } from '../eval/resampling.ts';
import type { PairedTestMethod } from '../eval/significance.ts';
import type { Protocol } from '../experiments/schema.ts';
import type { RunEnvironment, RunSpec, RunStatus } from '../tracking/types.ts';
import type { HeadlineProtocol, TableScope } from './protocols.ts';

/** Mean and sample standard deviation over seeds (sd undefined with one seed). */
export interface SeedSummary {
  mean: number;
  sd?: number;
  /** one value per seed, in seed order */
  values: number[];
}

export interface Interval {
  /** the F1 of the counts pooled over seeds on the full test set (the bootstrap's centre) */
  pooled: number;
  lower: number;
  upper: number;
}

export interface ScopeNumbers extends SeedSummary {
  ci?: Interval;
}

export interface PublishedNumbers {
  /** the published experiment it came from (or the reproduced experiment's own block) */
  experiment: string;
  source: string;
  protocol: Protocol;
  /** percent, as printed; undefined where the paper reports none */
  f1: Record<TableScope, number | undefined>;
  parameters?: string;
  setup?: string;
  note?: string;
}

export interface TestSetInfo {
  /** ref + hash + limit: rows are compared (significance) only within one test set */
  id: string;
  ref: string;
  hash: string;
  limit?: number;
  sentences: number;
  documents: number;
  /** false when the file's bytes no longer match the hash the runs recorded */
  available: boolean;
  /** the resampling unit of its intervals and tests (documents unless there are too few) */
  unit: ResampleUnit;
}

/** Our number under the paper's protocol, minus the paper's number (percentage points). */
export interface PaperComparison {
  scope: TableScope;
  paper?: number;
  /** mean over seeds, percent */
  ours?: number;
  delta?: number;
  /** the protocol both numbers use, when they share one */
  protocol?: string;
  /** why there is no difference (protocol we do not compute, number not reported) */
  reason?: string;
}

export interface PairedOutcome {
  a: number;
  b: number;
  difference: number;
  pValue: number;
}

export interface SignificanceVsBest {
  role: 'best' | 'compared' | 'untested';
  /** why untested (other test set, no predictions) */
  reason?: string;
  /** the seed-pooled test: all seeds of both rows, same documents drawn for all */
  pooled?: PairedOutcome;
  /** Holm-adjusted p-value across the rows compared with the best */
  adjustedP?: number;
  significant?: boolean;
  direction?: 'better' | 'worse';
  /** seed-by-seed tests (i-th seed of this row against the i-th seed of the best row) */
  perSeed: { seed: number; bestSeed: number; pValue: number; difference: number }[];
}

export interface SignificanceSettings {
  method: PairedTestMethod;
  resamples: number;
  seed: number;
  alpha: number;
  metric: string;
  bestRowId?: string;
}

export interface RunTimings {
  trainSeconds?: number;
  predictTestSeconds?: number;
  predictDevSeconds?: number;
  scoreSeconds?: number;
  sentencesPerSecond?: number;
}

export interface RunManifest {
  id: number;
  key: string;
  seed: number;
  status: RunStatus;
  profile?: string;
  spec: RunSpec;
  environment?: RunEnvironment;
  timings: Record<string, number>;
  startedAt?: string;
  finishedAt?: string;
  params: Record<string, string>;
  artifacts: { name: string; sha256: string; bytes: number }[];
  /** headline total F1 of this run (fraction) */
  total?: number;
  exportCommand: string;
  rescoreCommand: string;
  /** differences between the stored metric and the report's re-scoring of the stored predictions */
  warnings: string[];
}

export interface CostRow {
  rowId: string;
  label: string;
  seeds: number;
  trainSeconds?: SeedSummary;
  sentencesPerSecond?: SeedSummary;
  predictTestSeconds?: SeedSummary;
  /** API usage recorded as summary metrics (tokens, cost), mean per run */
  usage: { name: string; mean: number }[];
  hardware: string[];
  backends: string[];
}

export interface CurveSeries {
  name: string;
  seed: number;
  points: { step: number; value: number }[];
}

export interface CurveSet {
  rowId: string;
  label: string;
  /** loss curves; quality curves in [0, 1] (dev F1, precision, recall); diagnostics (gradient norm, learning rate) */
  loss: CurveSeries[];
  metrics: CurveSeries[];
  diagnostics: CurveSeries[];
}

export interface IssueExample {
  sentenceId: string;
  detail?: string;
  raw?: string;
}

export interface ErrorRow {
  rowId: string;
  label: string;
  seeds: number;
  /** counts summed over the row's seeds (harness/eval/error-analysis.ts, one analysis per seed) */
  analysis: ErrorAnalysis;
  /** examples of prediction issues, from the explorer's run */
  issueExamples: Record<string, IssueExample[]>;
  /** whether the method produced text (raw) that was parsed: the generative columns apply */
  generative: boolean;
}

export interface BreakdownRow {
  rowId: string;
  label: string;
  /** protocol scope (SKILL, KNOWLEDGE, house, tech) -> P, R, F1 over seeds */
  scopes: Record<string, { precision?: SeedSummary; recall?: SeedSummary; f1?: SeedSummary }>;
}

export interface ProtocolRow {
  rowId: string;
  label: string;
  /** protocol column -> scope -> F1 over seeds */
  values: Record<string, Partial<Record<TableScope, SeedSummary>>>;
  setMacro?: SeedSummary;
  /** largest minus smallest total F1 among nervaluate strict, nereval and set (percentage points) */
  spread?: number;
}

export interface LeaderboardRow {
  id: string;
  /** short name: the experiment name (without `paper-` for published-only rows) */
  label: string;
  description?: string;
  /** the reproduced experiment, when there is one */
  experiment?: string;
  parameters?: string;
  setup?: string;
  published?: PublishedNumbers;
  /** true for rows of the paper's table (with published numbers); the others are listed after them */
  inPaper: boolean;
  reproduced?: {
    protocol: HeadlineProtocol;
    seeds: number[];
    runIds: number[];
    scopes: Record<TableScope, ScopeNumbers | undefined>;
    /** our model size and setup (the method's own description, else the experiment's) */
    parameters?: string;
    setup?: string;
    /** configuration chosen for the row (profile, sweep point) and how */
    configuration: string;
    selection?: string;
    testSet: TestSetInfo;
    /** the run the explorer and issue examples use */
    explorerRunId?: number;
    explorerSeed?: number;
  };
  comparisons: PaperComparison[];
  significance?: SignificanceVsBest;
  manifest: RunManifest[];
  notes: string[];
}

export interface ConfigurationRow {
  experiment: string;
  profile?: string;
  sweepPoint: string;
  testSet: string;
  seeds: number[];
  runIds: number[];
  devTotal?: SeedSummary;
  testTotal?: SeedSummary;
  selected: boolean;
}

export interface OtherRun {
  id: number;
  experiment: string;
  seed: number;
  status: RunStatus;
  reason: string;
}

export interface ExplorerData {
  /** run id of each method column, its label and seed */
  methods: { rowId: string; label: string; runId: number; seed: number }[];
  sources: string[];
  /** embedded sentences (those with a gold or predicted span in some method, or a prediction issue) */
  sentences: number;
  totalSentences: number;
  /** the JSON the page's script reads (already escaped for a <script> element) */
  json: string;
}

export interface ReportSettings {
  protocol: HeadlineProtocol;
  /** unit: as asked; `auto` takes documents when a test set has at least MIN_DOCUMENTS of them */
  bootstrap: { resamples: number; seed: number; unit: ResampleUnit | 'auto'; level: number };
  significance: SignificanceSettings;
  generatedAt: string;
  storePath: string;
  experimentsFilter?: string[];
  digits: number;
}

export interface ReportModel {
  title: string;
  settings: ReportSettings;
  rows: LeaderboardRow[];
  protocolRows: ProtocolRow[];
  breakdownRows: BreakdownRow[];
  sources: string[];
  curves: CurveSet[];
  cost: CostRow[];
  errors: ErrorRow[];
  configurations: ConfigurationRow[];
  otherRuns: OtherRun[];
  explorer?: ExplorerData;
  testSets: TestSetInfo[];
  /** things the reader must know (stale metrics, missing gold, rows without predictions) */
  warnings: string[];
  /** how long each model phase took (ms), for the bench */
  timings: Record<string, number>;
}
