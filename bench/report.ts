/**
 * Report bench: renders a store of 200 runs (filled through RunStore with real predictions derived
 * from the SkillSpan test gold, scored by the real scorer) and prints the render time (target
 * under 2 s) and the file size (target under 5 MB), with pass/fail.
 *
 * Two stores, because where the 200 runs sit decides the work:
 * - sweep: 10 experiments x 4 sweep points x 5 seeds. The leaderboard re-scores the selected
 *   configuration of each (50 runs); the other 150 only contribute stored metrics.
 * - flat: 40 experiments x 5 seeds, every run on the leaderboard (the worst case).
 * Each is rendered cold (no analysis cache) and warm (analysis cache from the cold render, as
 * when `npm start` re-renders after adding runs).
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

export interface ReportBenchResult {
  scenario: string;
  runs: number;
  leaderboardRuns: number;
  cache: 'cold' | 'warm';
  seconds: number;
  bytes: number;
  phases: Record<string, number>;
  pass: boolean;
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

function render(path: string, dir: string, scenario: string, cache: 'cold' | 'warm'): ReportBenchResult {
  const written = writeReportFile({
    storePath: path,
    out: join(dir, `${scenario}-${cache}.html`),
    cacheDir: join(dir, 'cache'),
  });
  const seconds = (written.timings.model + written.timings.render + written.timings.write) / 1000;
  const { model } = written;
  const phases = Object.fromEntries(
    Object.entries({ ...model.timings, render: written.timings.render }).filter(
      ([name]) => !name.startsWith('cache'),
    ),
  );
  return {
    scenario,
    runs: 0,
    leaderboardRuns: model.rows.reduce((sum, row) => sum + (row.reproduced?.runIds.length ?? 0), 0),
    cache,
    seconds,
    bytes: written.bytes,
    phases,
    pass: seconds < TARGET_SECONDS && written.bytes < TARGET_BYTES,
  };
}

export function runReportBench(log: (line: string) => void = console.log): ReportBenchResult[] {
  const results: ReportBenchResult[] = [];
  for (const [scenario, fill] of [
    ['sweep', fillSweepStore],
    ['flat', fillFlatStore],
  ] as const) {
    const dir = mkdtempSync(join(tmpdir(), `skillbench-report-bench-${scenario}-`));
    try {
      const path = join(dir, 'runs.db');
      const store = new RunStore(path);
      const started = performance.now();
      fill(store);
      const runs = store.listRuns().length;
      store.close();
      log(
        `report bench (${scenario}): ${runs} runs filled in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      for (const cache of ['cold', 'warm'] as const) {
        const result = { ...render(path, dir, scenario, cache), runs };
        results.push(result);
        const phases = Object.entries(result.phases)
          .filter(([name]) => name !== 'total')
          .map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`)
          .join(', ');
        log(
          `  ${scenario} ${cache}: ${result.runs} runs (${result.leaderboardRuns} on the leaderboard) rendered in ${result.seconds.toFixed(2)} s ` +
            `(target < ${TARGET_SECONDS} s), ${bytes(result.bytes)} (target < ${bytes(TARGET_BYTES)}): ${result.pass ? 'PASS' : 'FAIL'}`,
        );
        log(`    ${phases}`);
      }
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
