import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { projectPath } from '../../harness/util/paths.ts';

const run = promisify(execFile);

async function nodeIdle(): Promise<boolean> {
  try {
    const { stdout } = await run('sinfo', ['-h', '-N', '-o', '%T'], { timeout: 10_000 });
    return /idle|mixed|allocated/.test(stdout);
  } catch {
    return false;
  }
}

let checked: Promise<string | undefined> | undefined;

/**
 * Whether a real Slurm answers here: the one .ci/run starts, or one started now with
 * scripts/slurm/start.sh (as root, where slurm-wlm is installed). Resolves to the reason it cannot
 * (tests skip with it), or undefined when a node is idle and takes jobs.
 */
export function slurmUnavailable(): Promise<string | undefined> {
  checked ??= (async () => {
    if (await nodeIdle()) return undefined;
    if (process.getuid?.() !== 0)
      return 'no Slurm answers here and starting one needs root (scripts/slurm/start.sh)';
    if (!existsSync('/usr/sbin/slurmctld'))
      return 'Slurm is not installed (apt-get install slurm-wlm munge, or run .ci/run)';
    try {
      await run(projectPath('scripts', 'slurm', 'start.sh'), [], { timeout: 60_000 });
    } catch (error) {
      return `scripts/slurm/start.sh could not start Slurm: ${(error as Error).message.split('\n')[0]}`;
    }
    return (await nodeIdle()) ? undefined : 'scripts/slurm/start.sh ran but the node is not idle';
  })();
  return checked;
}
