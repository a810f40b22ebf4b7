/**
 * The manifest of a run as the report shows it: what ran (spec), where (environment, git
 * commit), how long (timings), what it produced (artifacts with sha256), and the exact commands
 * that re-score it without the report: export the bundle, then score its predictions.
 */
import type { RunRecord } from '../runner/types.ts';
import type { ArtifactRow } from '../tracking/store.ts';
import type { RunManifest } from './model-types.ts';

export function exportCommand(run: Pick<RunRecord, 'id'>, storePath?: string): string {
  const store = storePath ? ` --store ${shellQuote(storePath)}` : '';
  return `skillbench runs export ${run.id} --out bundles/run-${run.id}${store}`;
}

export function rescoreCommand(run: RunRecord, resamples: number, unit: string): string {
  const bootstrap = resamples > 0 ? ` --bootstrap ${resamples} --resample ${unit}` : '';
  const limit = run.spec.dataset.test.limit;
  const note = limit === undefined ? '' : `  # the run used the first ${limit} test sentences only`;
  return `cd bundles/run-${run.id} && skillbench score --gold ${shellQuote(run.spec.dataset.test.ref)} --pred predictions/test.jsonl${bootstrap}${note}`;
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

export function runManifest(
  run: RunRecord,
  details: {
    params: Record<string, string>;
    artifacts: readonly ArtifactRow[];
    total?: number;
    warnings: string[];
    storePath?: string;
    resamples: number;
    unit: string;
  },
): RunManifest {
  return {
    id: run.id,
    key: run.key,
    seed: run.seed,
    status: run.status,
    profile: run.profile,
    spec: run.spec,
    environment: run.environment,
    timings: run.timings,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    params: details.params,
    artifacts: details.artifacts.map((artifact) => ({
      name: artifact.name,
      sha256: artifact.sha256,
      bytes: artifact.bytes,
    })),
    total: details.total,
    exportCommand: exportCommand(run, details.storePath),
    rescoreCommand: rescoreCommand(run, details.resamples, details.unit),
    warnings: details.warnings,
  };
}
