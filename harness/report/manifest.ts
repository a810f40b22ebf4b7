/**
 * The manifest of a run as the report shows it: what ran (spec), where (environment, git
 * commit), how long (timings), what it produced (artifacts with sha256), and the exact commands
 * that re-score it without the report or the store: export the bundle
 * (harness/runner/export-bundle.ts), which carries the gold sentences the run was scored on
 * (gold/test.jsonl, any dataset ref and limit already applied) beside its predictions
 * (predictions/test.jsonl), then score those two files inside the bundle.
 */

import type { ArtifactRow } from '../tracking/store.ts';
import type { RunRecord } from '../tracking/types.ts';
import type { RunManifest } from './model-types.ts';

/** The bundle folder the commands use. */
export function bundleDir(run: Pick<RunRecord, 'id'>): string {
  return `bundles/run-${run.id}`;
}

export function exportCommand(run: Pick<RunRecord, 'id'>, storePath?: string): string {
  const store = storePath ? ` --store ${shellQuote(storePath)}` : '';
  return `skillbench runs export ${run.id} --out ${bundleDir(run)}${store}`;
}

export function rescoreCommand(run: Pick<RunRecord, 'id'>, resamples: number, unit: string): string {
  const bootstrap = resamples > 0 ? ` --bootstrap ${resamples} --resample ${unit}` : '';
  return `cd ${bundleDir(run)} && skillbench score --gold gold/test.jsonl --pred predictions/test.jsonl${bootstrap}`;
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
