/**
 * Start-up bench: the CPU time (user + system, the process and its children) of `skillbench
 * --help` and of `skillbench score` on the SkillSpan test split, each as a ratio to a bare
 * `node -e 0` measured in the same run, interleaved round by round (median of the rounds), so
 * a busy machine slows all three alike. Targets: --help <= 5x, score <= 10x. The build is brought
 * up to date first (bin/skillbench.js runs dist/ only when it is), as `npm ci` leaves it.
 */
import { spawnSync } from 'node:child_process';
import { projectPath } from '../harness/util/paths.ts';

const ROUNDS = 5;
const PER_ROUND = 3;
const PREDICTIONS = 'fixtures/eval-vectors/skillspan-test/03_boundary_shift.pred.jsonl';

export interface StartupResult {
  command: string;
  cpuSeconds: number;
  ratio: number;
  target: number;
  pass: boolean;
}

const CLI = ['bin/skillbench.js'];
const COMMANDS: { name: string; args: string[]; target?: number }[] = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'skillbench --help', args: [...CLI, '--help'], target: 5 },
  {
    name: 'skillbench score',
    args: [...CLI, 'score', '--gold', 'skillspan:test', '--pred', PREDICTIONS],
    target: 10,
  },
];

/** CPU seconds of one run of `node args` (mean of `count`), read from bash's `times`. */
function cpuSeconds(args: string[], count: number): number {
  const script = `for i in $(seq ${count}); do "$@" >/dev/null 2>&1 || exit 1; done; times`;
  const result = spawnSync('bash', ['-c', script, 'bench', process.execPath, ...args], {
    cwd: projectPath(),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
  // the second line of `times`: children's user and system time, e.g. "0m1.234s 0m0.056s"
  const children = result.stdout.trim().split('\n')[1] ?? '';
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map(([, m, s]) => 60 * Number(m) + Number(s));
  if (seconds.length !== 2) throw new Error(`unexpected \`times\` output: ${result.stdout}`);
  return (seconds[0] + seconds[1]) / count;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export function runStartupBench(): StartupResult[] {
  const build = spawnSync(process.execPath, [projectPath('scripts', 'build.mjs')], { encoding: 'utf8' });
  if (build.status !== 0)
    console.log(`note: the build failed, so the CLI runs through tsx:\n${build.stderr}`);
  const samples = COMMANDS.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, command] of COMMANDS.entries()) samples[i].push(cpuSeconds(command.args, PER_ROUND));
  }
  const baseline = median(samples[0]);
  console.log(`${COMMANDS[0].name}: ${(baseline * 1000).toFixed(0)} ms CPU (the baseline)`);
  const results: StartupResult[] = [];
  for (const [i, command] of COMMANDS.entries()) {
    if (command.target === undefined) continue;
    const cpu = median(samples[i]);
    const ratio = cpu / baseline;
    const pass = ratio <= command.target;
    results.push({ command: command.name, cpuSeconds: cpu, ratio, target: command.target, pass });
    console.log(
      `${command.name}: ${(cpu * 1000).toFixed(0)} ms CPU = ${ratio.toFixed(1)}x node -e 0 (target <= ${command.target}x) ${pass ? 'ok' : 'MISSED'}`,
    );
  }
  return results;
}
