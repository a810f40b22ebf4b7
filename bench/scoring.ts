/**
 * Scoring benchmark (issue 2): all three protocols on the whole SkillSpan test split, and 1000
 * bootstrap resamples. Run alone with `node --import=tsx bench/scoring.ts`; `runScoringBench()` is
 * what bench/index.ts aggregates.
 */
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { loadDataset } from '../harness/data/datasets.ts';
import { bootstrapConfidenceIntervals } from '../harness/eval/bootstrap.ts';
import { scoreAll } from '../harness/eval/score.ts';
import { computeSentenceStats } from '../harness/eval/sentence-stats.ts';
import { pairedTest } from '../harness/eval/significance.ts';
import { readPredictionFile } from '../harness/predictions/read.ts';
import { projectPath } from '../harness/util/paths.ts';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target?: number;
  pass?: boolean;
  detail?: string;
}

const VECTOR = projectPath('fixtures', 'eval-vectors', 'skillspan-test', '03_boundary_shift.pred.jsonl');
const SCORING_TARGET_MS = 50;
const BOOTSTRAP_TARGET_S = 3;
const RESAMPLES = 1000;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function timeMs(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function runScoringBench(log: (line: string) => void = console.log): BenchResult[] {
  const { sentences } = loadDataset('skillspan:test');
  const predictions = readPredictionFile(VECTOR, sentences);
  for (let i = 0; i < 3; i++) scoreAll(sentences, predictions); // warm-up (JIT)
  const scoringMs = median(Array.from({ length: 15 }, () => timeMs(() => scoreAll(sentences, predictions))));

  // Each timed run starts from fresh statistics and its own seed, so nothing a previous run drew
  // or summed (the draws and column sums kept for reuse across systems) is reused.
  const fresh = () => computeSentenceStats(sentences, predictions);
  bootstrapConfidenceIntervals(fresh(), sentences, { resamples: 20, seed: 1000 }); // warm-up
  const bootstrapMs = median(
    [1, 2, 3].map((seed) => {
      const stats = fresh();
      return timeMs(() => bootstrapConfidenceIntervals(stats, sentences, { resamples: RESAMPLES, seed }));
    }),
  );
  const gold = sentences.map((s) => ({ id: s.id, spans: s.spans }));
  const pairedMs = timeMs(() =>
    pairedTest(sentences, predictions, gold, { resamples: RESAMPLES, seed: 4, metric: 'set.overall.f1' }),
  );

  const results: BenchResult[] = [
    {
      name: 'scoring: 3 protocols + per source, whole test split',
      value: scoringMs,
      unit: 'ms',
      target: SCORING_TARGET_MS,
      pass: scoringMs < SCORING_TARGET_MS,
      detail: `${sentences.length} sentences, ${Math.round(sentences.length / (scoringMs / 1000))} sentences/s, median of 15`,
    },
    {
      name: `bootstrap: ${RESAMPLES} resamples, every headline F1`,
      value: bootstrapMs / 1000,
      unit: 's',
      target: BOOTSTRAP_TARGET_S,
      pass: bootstrapMs / 1000 < BOOTSTRAP_TARGET_S,
      detail: `${Math.round(RESAMPLES / (bootstrapMs / 1000))} resamples/s (single thread), median of 3, each with new draws`,
    },
    {
      name: `paired bootstrap test: ${RESAMPLES} resamples, one metric`,
      value: pairedMs / 1000,
      unit: 's',
      detail: `${Math.round(RESAMPLES / (pairedMs / 1000))} resamples/s`,
    },
  ];
  log(`scoring bench (${VECTOR.split('/').at(-1)} vs skillspan:test, ${availableParallelism()} CPUs)`);
  for (const r of results) {
    const verdict =
      r.target === undefined ? '' : ` (target < ${r.target} ${r.unit}: ${r.pass ? 'pass' : 'FAIL'})`;
    log(`  ${r.name}: ${r.value.toFixed(r.unit === 'ms' ? 1 : 3)} ${r.unit}${verdict}; ${r.detail}`);
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = runScoringBench();
  if (results.some((r) => r.pass === false)) process.exitCode = 1;
}
