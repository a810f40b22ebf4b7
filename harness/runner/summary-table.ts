import type { RunStore } from '../tracking/store.ts';
import { formatTable, percent } from '../util/table.ts';
import type { RunOutcome } from './execute-run.ts';
import { formatDuration } from './progress.ts';
import { describeSweepPoint } from './runner.ts';

/** The table printed at the end of `skillbench run`: one row per run, headline test F1 in all three protocols. */
export function formatRunSummary(store: RunStore, outcomes: readonly RunOutcome[], seconds: number): string {
  const rows = outcomes.map((outcome) => {
    const metrics = store.summaryMetrics(outcome.run.id);
    const note = outcome.cached ? 'cached' : (outcome.message ?? '');
    return [
      outcome.run.id,
      outcome.spec.experiment,
      outcome.spec.seed,
      describeSweepPoint(outcome.spec.sweepPoint),
      outcome.status,
      percent(metrics['test.nervaluate.overall.f1']),
      percent(metrics['test.nereval.overall.f1']),
      percent(metrics['test.set.overall.f1']),
      note.length > 60 ? `${note.slice(0, 57)}...` : note,
    ];
  });
  const counts = new Map<string, number>();
  for (const outcome of outcomes) {
    const label = outcome.cached ? 'cached' : outcome.status;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const tally = [...counts.entries()].map(([status, n]) => `${n} ${status}`).join(', ');
  return [
    formatTable(
      ['run', 'experiment', 'seed', 'sweep', 'status', 'test nerv F1', 'nereval F1', 'set F1', 'note'],
      rows,
    ),
    '',
    `${outcomes.length} runs in ${formatDuration(seconds)}: ${tally || 'nothing to do'}. Details: skillbench runs show <run>.`,
  ].join('\n');
}
