/**
 * `npm run bench [-- scoring report neural deberta gliner startup llm skill-llm slurm]`: every
 * benchmark but the opt-in ones (slurm), or the ones named. Each prints its
 * numbers with the target and, where a baseline exists, the ratio to it measured in the same run
 * or recorded with how it was measured. The exit code is 1 when a target is missed.
 */
import { runDebertaBench } from './deberta.ts';
import { runGlinerBench } from './gliner.ts';
import { runLlmBench } from './llm.ts';
import { runNeuralBench } from './neural.ts';
import { runReportBench } from './report.ts';
import { runScoringBench } from './scoring.ts';
import { runSkillLlmBench } from './skill-llm.ts';
import { runSlurmBench } from './slurm.ts';
import { runStartupBench } from './startup.ts';

const BENCHES: Record<string, () => Promise<{ pass?: boolean }[]> | { pass?: boolean }[]> = {
  scoring: () => runScoringBench(),
  report: () => runReportBench(),
  neural: () => runNeuralBench(),
  deberta: () => runDebertaBench(),
  gliner: () => runGlinerBench(),
  'skill-llm': () => runSkillLlmBench(),
  startup: () => runStartupBench(),
  llm: () => runLlmBench(),
  slurm: () => runSlurmBench(),
};
/** Benches that take minutes run only when named (`npm run bench -- slurm`). */
const OPT_IN = new Set(['slurm']);

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in BENCHES));
if (unknown.length) {
  console.error(`unknown bench ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
let missed = 0;
for (const name of wanted.length ? wanted : Object.keys(BENCHES).filter((name) => !OPT_IN.has(name))) {
  console.log(`\n== ${name}`);
  const results = await BENCHES[name]();
  missed += results.filter((result) => result.pass === false).length;
}
console.log(`\n${missed === 0 ? 'all targets met' : `${missed} target(s) missed`}`);
process.exitCode = missed === 0 ? 0 : 1;
