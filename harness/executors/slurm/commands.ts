/**
 * Typed wrappers around Slurm's own commands (sbatch, squeue, scontrol, sacct, scancel): the only
 * way skillbench talks to Slurm, so that it works wherever the user's own `sbatch` works. Errors
 * name the command, its exit status and what it printed.
 */
import { execFile } from 'node:child_process';
import {
  ENDED_STATES,
  parseSacct,
  parseSbatchParsable,
  parseScontrolJobs,
  parseSqueueJson,
  type TaskState,
} from './parse.ts';

export class SlurmCommandError extends Error {}

/** Runs a Slurm command; stdout on success, a SlurmCommandError otherwise. */
export function slurmCommand(command: string, args: readonly string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        return reject(
          new SlurmCommandError(
            `${command} not found: is Slurm's client (slurm-client) installed and on PATH?`,
          ),
        );
      }
      const said = (stderr || stdout).trim().split('\n').slice(-3).join(' | ');
      const how = error.killed ? `timed out after ${timeoutMs / 1000} s` : `exit ${error.code}`;
      reject(new SlurmCommandError(`${command} ${args.join(' ')} failed (${how})${said ? `: ${said}` : ''}`));
    });
  });
}

/** `sbatch --parsable [options] script [args]`: the job id. */
export async function sbatch(
  options: readonly string[],
  script: string,
  scriptArgs: readonly string[] = [],
): Promise<string> {
  return parseSbatchParsable(await slurmCommand('sbatch', ['--parsable', ...options, script, ...scriptArgs]));
}

/** Every task squeue knows of (it ignores filters with --json; callers filter). */
export async function squeue(): Promise<TaskState[]> {
  return parseSqueueJson(await slurmCommand('squeue', ['--json']));
}

/** The tasks of one job as scontrol reports them; [] when slurmctld no longer knows the job. */
export async function scontrolShowJob(jobId: string): Promise<TaskState[]> {
  try {
    return parseScontrolJobs(await slurmCommand('scontrol', ['show', 'job', '-o', jobId]));
  } catch (error) {
    if (error instanceof SlurmCommandError && /Invalid job id/i.test(error.message)) return [];
    throw error;
  }
}

/** sacct's records of the jobs, or undefined where the cluster keeps no accounting. */
export async function sacct(jobIds: readonly string[]): Promise<TaskState[] | undefined> {
  try {
    return parseSacct(
      await slurmCommand('sacct', [
        '-P',
        '-n',
        '-X',
        '--format=JobID,State,ExitCode',
        '-j',
        jobIds.join(','),
      ]),
    );
  } catch (error) {
    if (
      error instanceof SlurmCommandError &&
      /accounting storage is disabled|not running a supported accounting_storage/i.test(error.message)
    )
      return undefined;
    throw error;
  }
}

/** `scancel` the jobs or tasks (`12`, `12_3`). */
export async function scancel(ids: readonly string[], options: { signal?: string } = {}): Promise<void> {
  if (ids.length === 0) return;
  await slurmCommand('scancel', [...(options.signal ? [`--signal=${options.signal}`] : []), ...ids]);
}

/**
 * The state of each task of the given array jobs: squeue first (one call for all), then scontrol
 * for tasks squeue no longer lists, then sacct for jobs slurmctld has forgotten (when accounting
 * exists). A task none of them knows is absent from the result.
 */
export async function taskStates(
  arrayJobIds: readonly string[],
  wanted: ReadonlySet<string>,
): Promise<Map<string, TaskState>> {
  const states = new Map<string, TaskState>();
  const jobs = new Set(arrayJobIds);
  for (const task of await squeue()) {
    if (wanted.has(task.id)) states.set(task.id, task);
  }
  const missingJobs = (): string[] =>
    [...jobs].filter((job) => [...wanted].some((id) => id.startsWith(`${job}_`) && !states.has(id)));
  // details (exit code, reason) of ended tasks come from scontrol; squeue's exit code is a raw wait status
  const endedJobs = new Set(
    [...states.values()]
      .filter((task) => ENDED_STATES.has(task.state) && task.state !== 'COMPLETED')
      .map((task) => task.id.split('_')[0]),
  );
  for (const job of new Set([...missingJobs(), ...endedJobs])) {
    for (const task of await scontrolShowJob(job)) if (wanted.has(task.id)) states.set(task.id, task);
  }
  const forgotten = missingJobs();
  if (forgotten.length > 0) {
    for (const task of (await sacct(forgotten)) ?? []) if (wanted.has(task.id)) states.set(task.id, task);
  }
  return states;
}
