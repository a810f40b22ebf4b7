import { spawnSync } from 'node:child_process';
import { projectPath } from '../../harness/util/paths.ts';

/** Why python3 cannot run here, or undefined when it can (tests skip with the reason). */
export const pythonMissing: string | undefined = (() => {
  const probe = spawnSync('python3', ['-c', 'import html, json'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : 'python3 is not installed: the Python reference cannot run';
})();

/** Runs a Python script of test/skill-llm with arguments (and stdin) and returns its stdout. */
export function runPython(script: string, args: readonly string[], input?: string): string {
  const result = spawnSync('python3', [projectPath('test', 'skill-llm', script), ...args], {
    encoding: 'utf8',
    input,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`python3 ${script} failed: ${result.stderr}`);
  return result.stdout;
}
