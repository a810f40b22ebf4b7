/**
 * `npm run bench [-- scoring report neural startup deberta gliner]`: every benchmark, or the ones named. Each prints its
 * numbers with the target and, where a baseline exists, the ratio to it measured in the same run
 * or recorded with how it was measured. The exit code is 1 when a target is missed.
 */
import { runDebertaBench } from './deberta.ts';
import { runGlinerBench } from './gliner.ts';
import { runNeuralBench } from './neural.ts';
import { runReportBench } from './report.ts';
import { runScoringBench } from './scoring.ts';
import { runStartupBench } from './startup.ts';

const BENCHES: Record<string, () => Promise<{ pass?: boolean }[]> | { pass?: boolean }[]> = {
  scoring: () => runScoringBench(),
  report: () => runReportBench(),
  neural: () => runNeuralBench(),
  deberta: () => runDebertaBench(),
  gliner: () => runGlinerBench(),
  startup: () => runStartupBench(),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in BENCHES));
if (unknown.length) {
  console.error(`unknown bench ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
let missed = 0;
for (const name of wanted.length ? wanted : Object.keys(BENCHES)) {
  console.log(`\n== ${name}`);
  const results = await BENCHES[name]();
  missed += results.filter((result) => result.pass === false).length;
}
console.log(`\n${missed === 0 ? 'all targets met' : `${missed} target(s) missed`}`);
process.exitCode = missed === 0 ? 0 : 1;
