/**
 * `skillbench worker <key>`: what one Slurm array task runs. It executes the run exactly as the
 * local executor does (the same executeRun, run key, method code, checkpoints and appended
 * predictions in its artifact folder), writing through the run's journal instead of the store.
 * SIGTERM (scancel, the time limit) stops it at the next safe point, as Ctrl-C does locally.
 */
import { hostname } from 'node:os';
import { registerBuiltinMethods } from '../../baselines/index.ts';
import type { Progress } from '../methods/method.ts';
import { loadPlugins } from '../methods/plugins.ts';
import { executeRun, type RunOutcome } from '../runner/execute-run.ts';
import { ProgressBoard } from '../runner/progress.ts';
import { JournalRun } from './journal.ts';
import type { WorkDir } from './work-dir.ts';

/** Progress reaches the head through the journal at most this often (and at each phase start). */
const PROGRESS_EVERY_MS = 1000;

/** The task id Slurm gave this process (`<array job>_<task>`), when it runs under Slurm. */
export function slurmTaskId(env = process.env): string | undefined {
  if (env.SLURM_ARRAY_JOB_ID && env.SLURM_ARRAY_TASK_ID)
    return `${env.SLURM_ARRAY_JOB_ID}_${env.SLURM_ARRAY_TASK_ID}`;
  return env.SLURM_JOB_ID;
}

export async function runWorker(
  workDir: WorkDir,
  key: string,
  options: { signal: AbortSignal; out: NodeJS.WritableStream },
): Promise<RunOutcome> {
  const ticket = workDir.readTicket(key);
  registerBuiltinMethods();
  await loadPlugins(ticket.plugins, {});
  const journal = new JournalRun(workDir, ticket.spec);
  try {
    journal.write({ event: 'attempt', job: slurmTaskId(), host: hostname(), pid: process.pid });
    const board = new ProgressBoard(options.out as NodeJS.WriteStream, { tty: false });
    const label = `${ticket.spec.experiment} seed ${ticket.spec.seed} [${key.slice(0, 12)}]`;
    const line = board.line(label);
    const progress = journalProgress(journal, line);
    const outcome = await executeRun(ticket.spec, {
      store: journal,
      signal: options.signal,
      progress: { ...progress, close: line.close },
      log: (message) => board.print(message),
    });
    line.close(`${label}: ${outcome.status}${outcome.message ? `: ${outcome.message}` : ''}`);
    return outcome;
  } finally {
    journal.close();
  }
}

/** Progress that goes both to the task's log and, throttled, to the journal for the head's board. */
function journalProgress(journal: JournalRun, line: Progress): Progress {
  const state = { phase: 'starting', done: 0, total: 0, unit: 'it', status: '' };
  let lastWrite = 0;
  const publish = (force: boolean) => {
    const now = Date.now();
    if (!force && now - lastWrite < PROGRESS_EVERY_MS) return;
    lastWrite = now;
    journal.write({ event: 'progress', ...state });
  };
  return {
    start: (phase, total, unit = 'it') => {
      Object.assign(state, { phase, total, unit, done: 0, status: '' });
      line.start(phase, total, unit);
      publish(true);
    },
    advance: (by = 1) => {
      state.done += by;
      line.advance(by);
      publish(state.done >= state.total && state.total > 0);
    },
    status: (text) => {
      state.status = text;
      line.status(text);
      publish(false);
    },
  };
}
