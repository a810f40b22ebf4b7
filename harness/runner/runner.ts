import type { RunStore } from '../tracking/store.ts';
import type { RunSpec } from '../tracking/types.ts';
import { type ExecuteOptions, executeRun, type RunOutcome } from './execute-run.ts';
import type { ProgressBoard } from './progress.ts';

/** Executes one run (default: executeRun in this process; an executor may send it elsewhere, e.g. to Slurm). */
export type RunExecutor = (spec: RunSpec, options: ExecuteOptions) => Promise<RunOutcome>;

export interface RunPlanOptions {
  store: RunStore;
  board: ProgressBoard;
  signal: AbortSignal;
  force?: boolean;
  /** runs at a time (in this process; useful for I/O-bound methods such as API calls) */
  jobs?: number;
  afterRun?: ExecuteOptions['afterRun'];
  executor?: RunExecutor;
}

/**
 * Runs specs with at most `jobs` at a time. A failing run is recorded and the others go on;
 * after an abort (Ctrl-C) no new run starts and the ones in progress stop at a safe point.
 */
export async function runPlan(specs: readonly RunSpec[], options: RunPlanOptions): Promise<RunOutcome[]> {
  const outcomes: RunOutcome[] = new Array(specs.length);
  let next = 0;
  const worker = async () => {
    while (next < specs.length && !options.signal.aborted) {
      const index = next++;
      const spec = specs[index];
      const label = `${spec.experiment} s${spec.seed}${Object.keys(spec.sweepPoint).length ? ` ${describeSweepPoint(spec.sweepPoint)}` : ''}`;
      const line = options.board.line(label);
      const outcome = await (options.executor ?? executeRun)(spec, {
        store: options.store,
        signal: options.signal,
        progress: line,
        log: (message) => options.board.print(message),
        force: options.force,
        afterRun: options.afterRun,
      });
      outcomes[index] = outcome;
      line.close(describeOutcome(label, outcome));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs ?? 1, specs.length)) }, worker));
  return outcomes.filter(Boolean);
}

export function describeSweepPoint(point: Record<string, unknown>): string {
  return Object.entries(point)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(' ');
}

function describeOutcome(label: string, outcome: RunOutcome): string {
  switch (outcome.status) {
    case 'finished':
      return `✓ ${label}: ${outcome.cached ? 'already finished (cached)' : 'finished'}`;
    case 'skipped':
      return `- ${label}: skipped: ${outcome.message}`;
    case 'interrupted':
      return `! ${label}: interrupted; rerun to resume`;
    default:
      return `✗ ${label}: ${outcome.status}: ${outcome.message}`;
  }
}

/** Keys that ran in this invocation with the same spec appear once: expansions that collide share a run. */
export function dedupeSpecs(specs: readonly RunSpec[]): RunSpec[] {
  const seen = new Set<string>();
  return specs.filter((spec) => {
    const id = `${spec.experiment}\0${spec.key}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
