import type { RunStore } from '../tracking/store.ts';
import type { RunSpec } from '../tracking/types.ts';
import { describeError } from '../util/errors.ts';
import { pause } from '../util/pause.ts';
import { type ExecuteOptions, executeRun, type RunOutcome } from './execute-run.ts';
import type { ProgressBoard } from './progress.ts';

/** Executes one run (default: executeRun in this process; an executor may send it elsewhere, e.g. to Slurm). */
export type RunExecutor = (spec: RunSpec, options: ExecuteOptions) => Promise<RunOutcome>;

export interface RunPlanOptions {
  store: RunStore;
  board: ProgressBoard;
  signal: AbortSignal;
  force?: boolean;
  /** methods' response cache never hits (`--no-cache`) */
  noCache?: boolean;
  /** runs at a time (in this process; useful for I/O-bound methods such as API calls) */
  jobs?: number;
  afterRun?: ExecuteOptions['afterRun'];
  executor?: RunExecutor;
}

/** How often a run held by another process is looked at again once nothing else is left (ms). */
export const HELD_RUN_POLL_MS = 1000;

/**
 * Runs specs with at most `jobs` at a time. A failing run is recorded and the others go on;
 * after an abort (Ctrl-C) no new run starts and the ones in progress stop at a safe point.
 * A run another process is executing (it holds the run's lease) is put back: this process goes on
 * with the other runs, then waits for it (it usually ends finished, and is reported as cached; if
 * its process dies, this one takes it over and resumes it).
 */
export async function runPlan(specs: readonly RunSpec[], options: RunPlanOptions): Promise<RunOutcome[]> {
  const outcomes: RunOutcome[] = new Array(specs.length);
  const queue = specs.map((_, index) => index);
  const held: number[] = [];
  const noted = new Set<number>();
  let waitingNoted = false;
  const worker = async () => {
    while (!options.signal.aborted) {
      if (queue.length === 0) {
        if (held.length === 0) return;
        if (!waitingNoted) {
          waitingNoted = true;
          options.board.print(`note: waiting for ${held.length} run(s) that other processes are executing`);
        }
        await pause(HELD_RUN_POLL_MS, options.signal);
        queue.push(...held.splice(0));
        continue;
      }
      const index = queue.shift()!;
      const spec = specs[index];
      const label = `${spec.experiment} s${spec.seed}${Object.keys(spec.sweepPoint).length ? ` ${describeSweepPoint(spec.sweepPoint)}` : ''}`;
      const line = options.board.line(label);
      const outcome = await executeSafely(options.executor ?? executeRun, options.store, spec, {
        store: options.store,
        signal: options.signal,
        progress: line,
        log: (message) => options.board.print(message),
        force: options.force,
        noCache: options.noCache,
        afterRun: options.afterRun,
      });
      if (outcome.heldBy) {
        held.push(index);
        line.close(noted.has(index) ? undefined : `… ${label}: ${outcome.message}; going on with other runs`);
        noted.add(index);
        continue;
      }
      outcomes[index] = outcome;
      line.close(describeOutcome(label, outcome));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs ?? 1, specs.length)) }, worker));
  return outcomes.filter(Boolean);
}

/**
 * executeRun records failures on the run; what it throws (the store unusable for longer than the
 * busy timeout) becomes this run's failure, so the other runs still go on.
 */
async function executeSafely(
  executor: RunExecutor,
  store: RunStore,
  spec: RunSpec,
  options: ExecuteOptions,
): Promise<RunOutcome> {
  try {
    return await executor(spec, options);
  } catch (error) {
    const message = `could not be recorded: ${describeError(error)}`;
    const run = store.findRunByKey(spec.key);
    if (!run) throw error;
    return { spec, run, status: 'failed', cached: false, message };
  }
}

export function describeSweepPoint(point: Record<string, unknown>): string {
  return Object.entries(point)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(' ');
}

/** The line the board keeps for a run that ended. */
export function describeOutcome(label: string, outcome: RunOutcome): string {
  switch (outcome.status) {
    case 'finished':
      return `✓ ${label}: ${outcome.cached ? 'already finished (cached)' : 'finished'}`;
    case 'skipped':
      return `- ${label}: skipped: ${outcome.message}`;
    case 'interrupted':
      return `! ${label}: interrupted; rerun to resume`;
    default:
      return `✗ ${label}: ${outcome.status}: ${outcome.message?.split('\n')[0]}`;
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
