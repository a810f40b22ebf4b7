import type { RunStatus } from '../types.ts';
import { invalidArtifactPathReason } from './artifacts.ts';
import { invalidKeyReason, invalidMetricReason, type MlflowLimits, truncateValue } from './limits.ts';
import { metricIdentity, type SentState, type SourceArtifact, type SourceRun } from './source.ts';
import type { MlflowMetric, MlflowParam, MlflowRunStatus, MlflowTag } from './types.ts';

/**
 * What one run still needs in MLflow, given what was already sent: a pure function, so the rules
 * (never resend, never change a param, send a tag again only when its value changed) are tested
 * without a server.
 */

export interface ParamConflict {
  runKey: string;
  param: string;
  /** the store's value (after truncation) */
  local: string;
  /** what MLflow already has; a param cannot change once logged, so this one is kept */
  mlflow: string;
}

export interface SkippedItem {
  runKey: string;
  kind: 'metric' | 'param' | 'tag' | 'artifact';
  name: string;
  reason: string;
}

export interface TruncatedItem {
  runKey: string;
  kind: 'param' | 'tag';
  name: string;
  from: number;
  to: number;
}

export interface RunPlan {
  params: MlflowParam[];
  tags: MlflowTag[];
  metrics: MlflowMetric[];
  artifacts: SourceArtifact[];
  /** set when MLflow's status or end time differs from the store's */
  statusUpdate?: { status: MlflowRunStatus; endTime?: number };
  conflicts: ParamConflict[];
  skipped: SkippedItem[];
  truncated: TruncatedItem[];
}

/** Local status -> MLflow's. MLflow has no "skipped": such runs end KILLED, tagged skillbench.status=skipped. */
export const MLFLOW_STATUS: Record<RunStatus, MlflowRunStatus> = {
  pending: 'SCHEDULED',
  running: 'RUNNING',
  finished: 'FINISHED',
  failed: 'FAILED',
  skipped: 'KILLED',
  interrupted: 'KILLED',
};

/** The tags every mirrored run carries besides the store's own. */
export function mirrorTags(run: SourceRun): Record<string, string> {
  return { ...run.tags, 'skillbench.run_key': run.key, 'skillbench.status': run.status };
}

export function planRunSync(run: SourceRun, sent: SentState, limits: MlflowLimits): RunPlan {
  const plan: RunPlan = {
    params: [],
    tags: [],
    metrics: [],
    artifacts: [],
    conflicts: [],
    skipped: [],
    truncated: [],
  };
  const skip = (kind: SkippedItem['kind'], name: string, reason: string) =>
    plan.skipped.push({ runKey: run.key, kind, name, reason });

  for (const [name, raw] of Object.entries(run.params)) {
    const problem = invalidKeyReason(name, limits);
    if (problem) {
      skip('param', name, problem);
      continue;
    }
    const { value, truncatedFrom } = truncateValue(String(raw), limits.paramValueLength);
    const logged = sent.params[name];
    if (logged === undefined) {
      plan.params.push({ key: name, value });
      if (truncatedFrom !== undefined)
        plan.truncated.push({
          runKey: run.key,
          kind: 'param',
          name,
          from: truncatedFrom,
          to: limits.paramValueLength,
        });
    } else if (logged !== value) {
      plan.conflicts.push({ runKey: run.key, param: name, local: value, mlflow: logged });
    }
  }

  for (const [name, raw] of Object.entries(mirrorTags(run))) {
    const problem = invalidKeyReason(name, limits);
    if (problem) {
      skip('tag', name, problem);
      continue;
    }
    const { value, truncatedFrom } = truncateValue(String(raw), limits.tagValueLength);
    if (sent.tags[name] === value) continue;
    plan.tags.push({ key: name, value });
    if (truncatedFrom !== undefined)
      plan.truncated.push({
        runKey: run.key,
        kind: 'tag',
        name,
        from: truncatedFrom,
        to: limits.tagValueLength,
      });
  }

  const sentMetrics = new Set(sent.metrics);
  const badMetricNames = new Map<string, { reason: string; count: number }>();
  for (const point of run.metrics) {
    const identity = metricIdentity(point);
    if (sentMetrics.has(identity)) continue;
    // the same point twice in the store is sent once
    sentMetrics.add(identity);
    const metric: MlflowMetric = {
      key: point.name,
      value: point.value,
      timestamp: point.timestamp,
      step: point.step ?? 0,
    };
    const problem = invalidKeyReason(point.name, limits) ?? invalidMetricReason(metric);
    if (problem) {
      const seen = badMetricNames.get(point.name);
      badMetricNames.set(point.name, { reason: seen?.reason ?? problem, count: (seen?.count ?? 0) + 1 });
      continue;
    }
    plan.metrics.push(metric);
  }
  for (const [name, { reason, count }] of badMetricNames) {
    skip('metric', name, count > 1 ? `${reason} (${count} points)` : reason);
  }

  for (const artifact of run.artifacts) {
    if (sent.artifacts[artifact.artifactPath] === artifact.sha256) continue;
    const problem = invalidArtifactPathReason(artifact.artifactPath);
    if (problem) skip('artifact', artifact.artifactPath, problem);
    else plan.artifacts.push(artifact);
  }

  const status = MLFLOW_STATUS[run.status];
  const terminal = status === 'FINISHED' || status === 'FAILED' || status === 'KILLED';
  const endTime = terminal ? parseTime(run.finishedAt) : undefined;
  if (status !== sent.status || (endTime !== undefined && endTime !== sent.endTime)) {
    plan.statusUpdate = { status, endTime };
  }
  return plan;
}

/** True when the plan sends nothing (conflicts and skipped items are only reported). */
export function planIsEmpty(plan: RunPlan): boolean {
  return (
    plan.params.length + plan.tags.length + plan.metrics.length + plan.artifacts.length === 0 &&
    !plan.statusUpdate
  );
}

/** ms since the epoch, or undefined for a missing or unreadable time */
export function parseTime(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}
