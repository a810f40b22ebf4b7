/**
 * The provenance sections' view: every configuration of every experiment (which one the
 * leaderboard shows), runs that did not finish, and each leaderboard row's run manifests with the
 * commands that re-score a run from an exported bundle.
 */
import { bytes, meanSd, pct, seconds } from '../format.ts';
import type { ReportModel, RunManifest } from '../model-types.ts';

export interface ManifestRunView {
  id: number;
  seed: number;
  status: string;
  shortKey: string;
  key: string;
  commit: string;
  finished: string;
  train: string;
  predict: string;
  total: string;
  warnings: string[];
  exportCommand: string;
  rescoreCommand: string;
  /** `Slurm task 12_3 (COMPLETED)` for runs a cluster ran */
  job?: string;
  spec: string;
  environment: string;
  params: string;
  artifacts: { name: string; sha256: string; bytes: string }[];
}

export interface RunsView {
  configurations: {
    experiment: string;
    configuration: string;
    testSet: string;
    seeds: string;
    runIds: string;
    dev: string;
    test: string;
    selected: boolean;
  }[];
  otherRuns: { id: number; experiment: string; seed: number; status: string; reason: string }[];
  manifests: {
    rowId: string;
    label: string;
    selection?: string;
    configuration: string;
    runs: ManifestRunView[];
  }[];
}

function manifestRun(run: RunManifest, digits: number): ManifestRunView {
  const environment = run.environment;
  return {
    id: run.id,
    seed: run.seed,
    status: run.status,
    shortKey: run.key.slice(0, 12),
    key: run.key,
    commit: environment?.gitCommit
      ? `${environment.gitCommit.slice(0, 10)}${environment.gitDirty ? ' (dirty)' : ''}`
      : 'unknown',
    finished: run.finishedAt?.replace('T', ' ').slice(0, 19) ?? '–',
    train: seconds(run.timings.train_s),
    predict: seconds(run.timings.predict_test_s),
    total: pct(run.total, digits + 1),
    warnings: run.warnings,
    exportCommand: run.exportCommand,
    rescoreCommand: run.rescoreCommand,
    job: run.job && `Slurm task ${run.job.id}${run.job.state ? ` (${run.job.state})` : ''}`,
    spec: JSON.stringify(run.spec, null, 2),
    environment: JSON.stringify(environment ?? {}, null, 2),
    params: Object.entries(run.params)
      .map(([name, value]) => `${name} = ${value}`)
      .join('\n'),
    artifacts: run.artifacts.map((artifact) => ({
      name: artifact.name,
      sha256: artifact.sha256,
      bytes: bytes(artifact.bytes),
    })),
  };
}

export function runsView(model: ReportModel): RunsView {
  const digits = model.settings.digits;
  return {
    configurations: model.configurations.map((row) => ({
      experiment: row.experiment,
      configuration: row.sweepPoint,
      testSet: row.testSet,
      seeds: row.seeds.join(', '),
      runIds: row.runIds.join(', '),
      dev: meanSd(row.devTotal, digits),
      test: meanSd(row.testTotal, digits),
      selected: row.selected,
    })),
    otherRuns: model.otherRuns.map((run) => ({ ...run, status: run.status })),
    manifests: model.rows
      .filter((row) => row.reproduced && row.manifest.length > 0)
      .map((row) => ({
        rowId: row.id,
        label: row.label,
        selection: row.reproduced!.selection,
        configuration: row.reproduced!.configuration,
        runs: row.manifest.map((run) => manifestRun(run, digits)),
      })),
  };
}
