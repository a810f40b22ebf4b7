/**
 * skillbench as a library: everything the CLI does, callable from code. The one entry point for
 * running experiments is runExperiments() (like lm-evaluation-harness's simple_evaluate); the
 * rest are the pieces it is made of, for tools that need only one of them.
 *
 *   import { runExperiments } from './harness/index.ts';
 *   const { outcomes, reportPath } = await runExperiments({ files: ['experiments/table2'], profile: 'quick' });
 *
 * Heavy parts (tfjs, the report's templates) load only when used.
 */
export type { Prediction, Sentence, Span } from './data/types.ts';
export { scoreFiles } from './eval/score-files.ts';
export { type LoadedExperiment, loadExperiments, loadExperimentsOrThrow } from './experiments/load.ts';
export { type Plan, type PlanOptions, planRuns } from './experiments/plan.ts';
export type {
  AnyMethod,
  LoadContext,
  Method,
  MethodContext,
  PredictContext,
  TrainContext,
} from './methods/method.ts';
export { loadPlugins } from './methods/plugins.ts';
export { loadMethod, registerMethod, registerMethodLoader } from './methods/registry.ts';
export { type ExecuteOptions, executeRun, type RunOutcome } from './runner/execute-run.ts';
export type { RunExecutor } from './runner/runner.ts';
export { runExperiments, type SessionOptions, type SessionResult } from './runner/session.ts';
export { openExistingStore } from './tracking/open-store.ts';
export { RunStore } from './tracking/store.ts';
export { DEFAULT_STORE_PATH } from './tracking/store-path.ts';
