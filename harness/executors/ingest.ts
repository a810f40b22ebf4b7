/**
 * The head's side of the journals: brings a run's journal into the SQLite store, then what Slurm
 * says about its task. Idempotent: ingesting reset the run and replays the whole journal in one
 * transaction, so doing it twice, from two heads, or after a head was killed half-way leaves the
 * same rows, and a run is never recorded twice (runs are unique by key).
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import type { RunStore } from '../tracking/store.ts';
import type { RunRecord } from '../tracking/types.ts';
import { readJournal, replayEvent } from './journal.ts';
import { ENDED_STATES, type TaskState } from './slurm/parse.ts';
import type { WorkDir } from './work-dir.ts';

/** Lines of a task's log kept with a fault. */
const LOG_TAIL_LINES = 20;

/** Run statuses a worker records when it ends on its own (interrupted: it was stopped). */
const ENDED_RUN = new Set(['finished', 'failed', 'skipped']);

export interface IngestResult {
  run: RunRecord;
  /** the journal had grown since the last ingest (or the task's state changed) */
  changed: boolean;
  /** the task has ended (whatever the run's status) */
  ended: boolean;
}

/**
 * Ingests one run: its journal (when it grew since the last time) and the state of its task.
 * A task that ended FAILED, TIMEOUT, CANCELLED, NODE_FAIL, OUT_OF_MEMORY, ... without the run
 * ending is recorded as such, with the tail of its log; rerunning resubmits it and it resumes.
 */
export function ingestRun(
  store: RunStore,
  workDir: WorkDir,
  key: string,
  task?: TaskState & { id: string },
): IngestResult {
  let run = store.findRunByKey(key);
  if (!run) {
    const ticket = workDir.readTicket(key);
    if (!store.listExperiments().some((experiment) => experiment.name === ticket.experiment.name)) {
      store.upsertExperiment(ticket.experiment);
    }
    run = store.ensureRun(ticket.spec);
  }
  const runId = run.id;
  const path = workDir.journalPath(key);
  const size = existsSync(path) ? statSync(path).size : 0;
  const previous = run.job;
  let changed = false;
  store.db.transaction(() => {
    if (size !== (store.journalBytes(runId) ?? 0)) {
      const { events, bytes } = readJournal(path);
      store.resetRun(runId);
      for (const event of events) replayEvent(event, store, runId);
      store.setJournalBytes(runId, bytes);
      changed = true;
    }
    if (task && (previous?.id !== task.id || previous?.state !== task.state)) {
      store.setRunJob(runId, { executor: 'slurm', id: task.id, state: task.state });
      changed = true;
    }
    const current = store.getRun(runId)!;
    // a worker that ended on its own recorded why; a run still "running" or "interrupted" was cut short
    if (task && ENDED_STATES.has(task.state) && !ENDED_RUN.has(current.status)) {
      recordFault(store, workDir, current, task);
      changed = true;
    }
  })();
  const after = store.getRun(runId)!;
  return { run: after, changed, ended: task !== undefined && ENDED_STATES.has(task.state) };
}

function recordFault(store: RunStore, workDir: WorkDir, run: RunRecord, task: TaskState): void {
  const logPath = workDir.logPath(task.id);
  const details = [task.exitCode && `exit code ${task.exitCode}`, task.reason && `reason ${task.reason}`]
    .filter(Boolean)
    .join(', ');
  const resumable =
    task.state === 'COMPLETED'
      ? 'the worker ended without finishing the run'
      : 'rerun to resume from its checkpoint and the predictions already written';
  const message = `Slurm task ${task.id} ended ${task.state}${details ? ` (${details})` : ''}${run.phase ? ` in phase ${run.phase}` : ''}; ${resumable}`;
  const tail = logTail(logPath, LOG_TAIL_LINES);
  store.updateRun(run.id, {
    status: task.state === 'CANCELLED' ? 'interrupted' : 'failed',
    error: { message, stack: tail ? `last lines of ${logPath}:\n${tail}` : `no log at ${logPath}` },
  });
}

/** The last lines of a file (read from its end: logs of long runs are large). */
export function logTail(path: string, lines: number): string | undefined {
  if (!existsSync(path)) return undefined;
  const size = statSync(path).size;
  const length = Math.min(size, 64 * 1024);
  const buffer = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buffer, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8').replace(/\s+$/, '').split('\n').slice(-lines).join('\n');
}
