/**
 * Report bench: renders a store of 200 runs (filled through RunStore with real predictions derived
 * from the SkillSpan test gold, scored by the real scorer) and prints, each with its target and
 * pass/fail: the first render with no analysis cache (target under 2 s), the re-render with the
 * cache the first one wrote (same target), and the file size (target under 5 MB).
 *
 * Two stores, because where the 200 runs sit decides the work:
 * - flat: 40 experiments x 5 seeds, every run on the leaderboard (the worst case, rendered first,
 *   so its first render also pays what a fresh process pays: template compilation, JIT warm-up);
 * - sweep: 10 experiments x 4 sweep points x 5 seeds. The leaderboard re-scores the selected
 *   configuration of each (50 runs); the other 150 only contribute stored metrics.
 * The cache holds per-run analyses and per-row statistics (harness/report/analysis-cache.ts), as
 * when `npm start` re-renders after adding runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytes } from '../harness/report/format.ts';
import { writeReportFile } from '../harness/report/write-report.ts';
import { RunStore } from '../harness/tracking/store.ts';
import { addPublishedRows, addSystem } from '../test/report/fixtures/store-fixture.ts';

export const TARGET_SECONDS = 2;
export const TARGET_BYTES = 5 * 1024 * 1024;

export type ReportMeasure = 'first render (no cache)' | 're-render (cache)' | 'file size';

export interface ReportBenchResult {
  scenario: string;
  measure: ReportMeasure;
  value: number;
  unit: 's' | 'bytes';
  target: number;
  pass: boolean;
  runs: number;
  leaderboardRuns: number;
  /** milliseconds per phase of the render measured */
  phases: Record<string, number>;
}

const SEEDS = [1, 2, 3, 4, 5];

function fillSweepStore(store: RunStore): void {
  addPublishedRows(store);
  for (let e = 0; e < 10; e++) {
    addSystem(store, {
      experiment: `method-${e}`,
      method: `method-${e}`,
      seeds: SEEDS,
      degradation: { drop: 0.15 + 0.04 * e, shift: 0.1, relabel: 0.04, spurious: 0.05 },
      sweep: [1.1, 1.25, 1.4].map((factor, p) => ({ point: { lr: 10 ** -(4 + p) }, factor })),
      devLimit: 300,
      curves: e % 2 === 0,
    });
  }
}

function fillFlatStore(store: RunStore): void {
  addPublishedRows(store);
  for (let e = 0; e < 40; e++) {
    addSystem(store, {
      experiment: `method-${e}`,
      method: `method-${e}`,
      seeds: SEEDS,
      degradation: { drop: 0.1 + 0.01 * e, shift: 0.1, relabel: 0.04, spurious: 0.05 },
      curves: e % 4 === 0,
    });
  }
}

interface Rendered {
  seconds: number;
  bytes: number;
  leaderboardRuns: number;
  phases: Record<string, number>;
}

function render(path: string, dir: string, name: string): Rendered {
  const written = writeReportFile({
    storePath: path,
    out: join(dir, `${name}.html`),
    cacheDir: join(dir, 'cache'),
  });
  const { model } = written;
  const phases = Object.fromEntries(
    Object.entries({ ...model.timings, render: written.timings.render }).filter(
      ([phase]) => !phase.startsWith('cache') && phase !== 'total',
    ),
  );
  return {
    seconds: (written.timings.model + written.timings.render + written.timings.write) / 1000,
    bytes: written.bytes,
    leaderboardRuns: model.rows.reduce((sum, row) => sum + (row.reproduced?.runIds.length ?? 0), 0),
    phases,
  };
}

const verdict = (pass: boolean) => (pass ? 'PASS' : 'FAIL');
const phaseText = (phases: Record<string, number>) =>
  Object.entries(phases)
    .map(([phase, ms]) => `${phase} ${ms.toFixed(0)} ms`)
    .join(', ');

export function runReportBench(log: (line: string) => void = console.log): ReportBenchResult[] {
  const results: ReportBenchResult[] = [];
  for (const [scenario, fill] of [
    ['flat', fillFlatStore],
    ['sweep', fillSweepStore],
  ] as const) {
    const dir = mkdtempSync(join(tmpdir(), `skillbench-report-bench-${scenario}-`));
    try {
      const path = join(dir, 'runs.db');
      const store = new RunStore(path);
      const started = performance.now();
      fill(store);
      const runs = store.listRuns().length;
      store.close();
      const first = render(path, dir, 'first');
      const again = render(path, dir, 'again');
      log(
        `report bench (${scenario}): ${runs} runs, ${first.leaderboardRuns} on the leaderboard (store filled in ${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
      const base = { scenario, runs, leaderboardRuns: first.leaderboardRuns };
      const measured: ReportBenchResult[] = [
        {
          ...base,
          measure: 'first render (no cache)',
          value: first.seconds,
          unit: 's',
          target: TARGET_SECONDS,
          pass: first.seconds < TARGET_SECONDS,
          phases: first.phases,
        },
        {
          ...base,
          measure: 're-render (cache)',
          value: again.seconds,
          unit: 's',
          target: TARGET_SECONDS,
          pass: again.seconds < TARGET_SECONDS,
          phases: again.phases,
        },
        {
          ...base,
          measure: 'file size',
          value: first.bytes,
          unit: 'bytes',
          target: TARGET_BYTES,
          pass: first.bytes < TARGET_BYTES && again.bytes < TARGET_BYTES,
          phases: {},
        },
      ];
      for (const result of measured) {
        const value =
          result.unit === 's'
            ? `${result.value.toFixed(2)} s (target < ${result.target} s)`
            : `${bytes(result.value)} (target < ${bytes(result.target)})`;
        log(`  ${`${result.measure}:`.padEnd(25)} ${value}: ${verdict(result.pass)}`);
        if (result.unit === 's') log(`    ${phaseText(result.phases)}`);
      }
      results.push(...measured);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = runReportBench();
  process.exitCode = results.every((result) => result.pass) ? 0 : 1;
}
