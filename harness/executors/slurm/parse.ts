/**
 * Parsers for the output of Slurm's commands (22.05 and later), kept apart from running them so
 * that they are tested on recorded output. Each one validates what it reads and says what did not
 * fit, with the command's name.
 */
import { z } from 'zod';

/** One array task (or a plain job) as Slurm reports it. */
export interface TaskState {
  /** `<array job id>_<task id>`, or the job id of a job that is not an array */
  id: string;
  /** JobState: PENDING, RUNNING, COMPLETED, FAILED, TIMEOUT, CANCELLED, NODE_FAIL, OUT_OF_MEMORY, ... */
  state: string;
  /** why it waits or ended (squeue's state_reason, scontrol's Reason), when Slurm says */
  reason?: string;
  /** `exit:signal` as scontrol and sacct print it (`1:0`, `0:15`) */
  exitCode?: string;
}

/** States after which a task does nothing more; everything else may still run. */
export const ENDED_STATES = new Set([
  'COMPLETED',
  'FAILED',
  'TIMEOUT',
  'CANCELLED',
  'NODE_FAIL',
  'OUT_OF_MEMORY',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  // not Slurm's: the task is known to none of squeue, scontrol and sacct any more (see taskStates)
  'UNKNOWN',
]);

export class SlurmOutputError extends Error {}

/** `sbatch --parsable` prints `jobid` or `jobid;cluster`. */
export function parseSbatchParsable(stdout: string): string {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  const match = /^(\d+)(;\S+)?$/.exec(line.trim());
  if (!match)
    throw new SlurmOutputError(`sbatch --parsable printed ${JSON.stringify(stdout.trim())}, not a job id`);
  return match[1];
}

/** Task ids of an array range as Slurm writes it: `0-99`, `3,5-7`, `0-99%4` (the %limit is dropped). */
export function expandTaskRange(range: string): number[] {
  const ids: number[] = [];
  for (const part of range.replace(/%\d+$/, '').split(',')) {
    const match = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part.trim());
    if (!match)
      throw new SlurmOutputError(`array task range ${JSON.stringify(range)} is not N, N-M or N-M:S`);
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    const step = match[3] === undefined ? 1 : Number(match[3]);
    for (let id = first; id <= last; id += step) ids.push(id);
  }
  return ids;
}

const squeueJob = z.looseObject({
  job_id: z.number().int(),
  array_job_id: z.number().int().optional(),
  array_task_id: z.number().int().nullable().optional(),
  array_task_string: z.string().optional(),
  job_state: z.string(),
  state_reason: z.string().optional(),
});
const squeueOutput = z.looseObject({ jobs: z.array(squeueJob) });

/**
 * `squeue --json` (which in 22.05 ignores -j/-t/-u and lists every job, ended ones included for
 * MinJobAge): one entry per task, pending array remainders expanded from their range.
 */
export function parseSqueueJson(stdout: string): TaskState[] {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch (error) {
    throw new SlurmOutputError(`squeue --json printed text that is not JSON (${(error as Error).message})`);
  }
  const parsed = squeueOutput.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SlurmOutputError(`squeue --json: ${issue.path.join('.')}: ${issue.message}`);
  }
  const tasks: TaskState[] = [];
  for (const job of parsed.data.jobs) {
    const reason = job.state_reason && job.state_reason !== 'None' ? job.state_reason : undefined;
    const arrayJob = job.array_job_id && job.array_job_id > 0 ? job.array_job_id : undefined;
    if (arrayJob === undefined) {
      tasks.push({ id: String(job.job_id), state: job.job_state, reason });
    } else if (typeof job.array_task_id === 'number') {
      tasks.push({ id: `${arrayJob}_${job.array_task_id}`, state: job.job_state, reason });
    } else if (job.array_task_string) {
      for (const task of expandTaskRange(job.array_task_string))
        tasks.push({ id: `${arrayJob}_${task}`, state: job.job_state, reason });
    }
  }
  return tasks;
}

/**
 * One `scontrol show -o` record: `Key=Value` pairs separated by spaces. A value may itself hold
 * spaces (Reason, Command), so a pair starts only where a word followed by `=` does.
 */
export function parseScontrolRecord(line: string): Record<string, string> {
  const record: Record<string, string> = {};
  const pattern = /(?:^|\s)([A-Za-z][\w/:.]*)=/g;
  const starts: { key: string; at: number; valueAt: number }[] = [];
  for (let match = pattern.exec(line); match; match = pattern.exec(line)) {
    starts.push({ key: match[1], at: match.index, valueAt: match.index + match[0].length });
  }
  starts.forEach((start, index) => {
    const end = index + 1 < starts.length ? starts[index + 1].at : line.length;
    record[start.key] = line.slice(start.valueAt, end).trim();
  });
  return record;
}

/** `scontrol show job -o ID`: one line per task (pending remainders of an array as one range). */
export function parseScontrolJobs(stdout: string): TaskState[] {
  const tasks: TaskState[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const record = parseScontrolRecord(line);
    if (!record.JobId || !record.JobState) {
      throw new SlurmOutputError(
        `scontrol show job -o printed a line without JobId or JobState: ${line.slice(0, 120)}`,
      );
    }
    const state = record.JobState.split(/\s/)[0];
    const reason = record.Reason && record.Reason !== 'None' ? record.Reason : undefined;
    const common = { state, reason, exitCode: record.ExitCode };
    const arrayJob = record.ArrayJobId;
    if (!arrayJob) tasks.push({ id: record.JobId, ...common });
    else
      for (const task of expandTaskRange(record.ArrayTaskId ?? ''))
        tasks.push({ id: `${arrayJob}_${task}`, ...common });
  }
  return tasks;
}

/** `sacct -P -n -X --format=JobID,State,ExitCode` lines (`12_3|CANCELLED by 0|0:15`; pending ranges `12_[4-9]`). */
export function parseSacct(stdout: string): TaskState[] {
  const tasks: TaskState[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const fields = line.split('|');
    if (fields.length < 3)
      throw new SlurmOutputError(`sacct -P printed ${JSON.stringify(line)}, not JobID|State|ExitCode`);
    const [id, stateText, exitCode] = fields;
    const state = stateText.split(' ')[0];
    const range = /^(\d+)_\[(.+)\]$/.exec(id);
    if (range)
      for (const task of expandTaskRange(range[2]))
        tasks.push({ id: `${range[1]}_${task}`, state, exitCode });
    else tasks.push({ id, state, exitCode });
  }
  return tasks;
}
