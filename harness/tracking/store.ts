import { mkdirSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Prediction } from '../data/types.ts';
import { sha256File } from '../util/hash.ts';
import { LATEST_MIGRATION, migrate } from './migrations.ts';
import type { RunEnvironment, RunRecord, RunSpec, RunStatus } from './types.ts';

export interface ExperimentInfo {
  name: string;
  description?: string;
  /** undefined for a published row (numbers from a paper, never run) */
  method?: string;
  file?: string;
  published?: unknown;
  tags?: string[];
}

export interface ExperimentRow {
  id: number;
  name: string;
  /** undefined for a published row */
  method?: string;
  description?: string;
  file?: string;
  published?: unknown;
  tags: string[];
  createdAt: string;
  updatedAt: string;
}

export interface MetricPoint {
  name: string;
  value: number;
  step?: number;
  /** ms since the epoch */
  timestamp: number;
}

export interface ArtifactRow {
  name: string;
  path: string;
  sha256: string;
  bytes: number;
  createdAt: string;
}

export interface RunFilter {
  experiment?: string;
  status?: RunStatus;
  method?: string;
}

export interface RunUpdate {
  status?: RunStatus;
  phase?: string | null;
  startedAt?: string;
  finishedAt?: string | null;
  error?: { message: string; stack?: string } | null;
  skipReason?: string | null;
  environment?: RunEnvironment;
  timings?: Record<string, number>;
}

interface RunRow {
  id: number;
  key: string;
  experiment: string;
  method: string;
  seed: number;
  profile: string | null;
  status: RunStatus;
  phase: string | null;
  spec_json: string;
  environment_json: string | null;
  timings_json: string;
  error_message: string | null;
  error_stack: string | null;
  skip_reason: string | null;
  started_at: string | null;
  finished_at: string | null;
}

const RUN_COLUMNS = `r.id, r.key, e.name AS experiment, r.method, r.seed, r.profile, r.status, r.phase, r.spec_json,
  r.environment_json, r.timings_json, r.error_message, r.error_stack, r.skip_reason, r.started_at, r.finished_at`;

/**
 * The tracking store: one SQLite file (WAL, so readers never block the writer), versioned
 * migrations, the source of truth for every run. MLflow is only a mirror of it.
 */
export class RunStore {
  readonly db: Database.Database;
  readonly path: string;

  constructor(path: string, options: { readonly?: boolean } = {}) {
    this.path = path === ':memory:' ? path : resolve(path);
    if (this.path !== ':memory:' && !options.readonly) mkdirSync(dirname(this.path), { recursive: true });
    const readonly = options.readonly === true;
    if (readonly && this.path !== ':memory:' && needsMigration(this.path)) {
      // a reader of an older store brings it up to date first (readers never see old layouts)
      new RunStore(this.path).close();
    }
    this.db = new Database(this.path, { readonly, fileMustExist: readonly });
    this.db.pragma('busy_timeout = 10000');
    if (!readonly) {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('foreign_keys = ON');
      migrate(this.db);
    }
  }

  /** Where runs keep their artifacts: beside the database file. */
  artifactRoot(): string {
    return this.path === ':memory:'
      ? resolve('.skillbench', 'artifacts')
      : resolve(dirname(this.path), 'artifacts');
  }

  close(): void {
    this.db.close();
  }

  // ---- experiments -------------------------------------------------------------------------

  upsertExperiment(info: ExperimentInfo): number {
    const now = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO experiments (name, description, method, file, published_json, tags_json, created_at, updated_at)
         VALUES (@name, @description, @method, @file, @published, @tags, @now, @now)
         ON CONFLICT(name) DO UPDATE SET description = excluded.description, method = excluded.method,
           file = excluded.file, published_json = excluded.published_json, tags_json = excluded.tags_json,
           updated_at = excluded.updated_at`,
      )
      .run({
        name: info.name,
        description: info.description ?? null,
        // the column predates published rows without a method: '' stands for none
        method: info.method ?? '',
        file: info.file ?? null,
        published: info.published === undefined ? null : JSON.stringify(info.published),
        tags: JSON.stringify(info.tags ?? []),
        now,
      });
    return (this.db.prepare('SELECT id FROM experiments WHERE name = ?').get(info.name) as { id: number }).id;
  }

  listExperiments(): ExperimentRow[] {
    const rows = this.db.prepare('SELECT * FROM experiments ORDER BY name').all() as Record<
      string,
      unknown
    >[];
    return rows.map((row) => ({
      id: row.id as number,
      name: row.name as string,
      description: (row.description as string | null) ?? undefined,
      method: (row.method as string) || undefined,
      file: (row.file as string | null) ?? undefined,
      published: row.published_json ? JSON.parse(row.published_json as string) : undefined,
      tags: JSON.parse(row.tags_json as string) as string[],
      createdAt: row.created_at as string,
      updatedAt: row.updated_at as string,
    }));
  }

  // ---- runs --------------------------------------------------------------------------------

  /** Creates the run for a spec, or returns the existing run with the same key (linking it to this experiment). */
  ensureRun(spec: RunSpec): RunRecord {
    const experimentId = this.experimentId(spec.experiment);
    return this.db.transaction(() => {
      let existing = this.findRunByKey(spec.key);
      if (!existing) {
        this.db
          .prepare(
            `INSERT INTO runs (key, experiment_id, method, seed, profile, status, spec_json, created_at)
             VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`,
          )
          .run(
            spec.key,
            experimentId,
            spec.method,
            spec.seed,
            spec.profile ?? null,
            JSON.stringify(spec),
            new Date().toISOString(),
          );
        existing = this.findRunByKey(spec.key)!;
      }
      this.db
        .prepare('INSERT OR IGNORE INTO experiment_runs (experiment_id, run_id) VALUES (?, ?)')
        .run(experimentId, existing.id);
      return existing;
    })();
  }

  findRunByKey(key: string): RunRecord | undefined {
    const row = this.db
      .prepare(
        `SELECT ${RUN_COLUMNS} FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.key = ?`,
      )
      .get(key) as RunRow | undefined;
    return row && toRunRecord(row);
  }

  getRun(id: number): RunRecord | undefined {
    const row = this.db
      .prepare(
        `SELECT ${RUN_COLUMNS} FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.id = ?`,
      )
      .get(id) as RunRow | undefined;
    return row && toRunRecord(row);
  }

  /** Runs in id order; `experiment` matches every experiment a run is linked to. */
  listRuns(filter: RunFilter = {}): RunRecord[] {
    const clauses: string[] = [];
    const values: unknown[] = [];
    if (filter.experiment) {
      clauses.push(
        'r.id IN (SELECT er.run_id FROM experiment_runs er JOIN experiments x ON x.id = er.experiment_id WHERE x.name = ?)',
      );
      values.push(filter.experiment);
    }
    if (filter.status) {
      clauses.push('r.status = ?');
      values.push(filter.status);
    }
    if (filter.method) {
      clauses.push('r.method = ?');
      values.push(filter.method);
    }
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    const rows = this.db
      .prepare(
        `SELECT ${RUN_COLUMNS} FROM runs r JOIN experiments e ON e.id = r.experiment_id ${where} ORDER BY r.id`,
      )
      .all(...values) as RunRow[];
    return rows.map(toRunRecord);
  }

  /** Names of every experiment a run is listed under. */
  runExperiments(runId: number): string[] {
    return (
      this.db
        .prepare(
          'SELECT e.name FROM experiment_runs er JOIN experiments e ON e.id = er.experiment_id WHERE er.run_id = ? ORDER BY e.name',
        )
        .all(runId) as { name: string }[]
    ).map((row) => row.name);
  }

  updateRun(id: number, update: RunUpdate): void {
    const sets: string[] = [];
    const values: Record<string, unknown> = { id };
    const set = (column: string, value: unknown) => {
      sets.push(`${column} = @${column}`);
      values[column] = value;
    };
    if (update.status !== undefined) set('status', update.status);
    if (update.phase !== undefined) set('phase', update.phase);
    if (update.startedAt !== undefined) set('started_at', update.startedAt);
    if (update.finishedAt !== undefined) set('finished_at', update.finishedAt);
    if (update.error !== undefined) {
      set('error_message', update.error?.message ?? null);
      set('error_stack', update.error?.stack ?? null);
    }
    if (update.skipReason !== undefined) set('skip_reason', update.skipReason);
    if (update.environment !== undefined) set('environment_json', JSON.stringify(update.environment));
    if (update.timings !== undefined) set('timings_json', JSON.stringify(update.timings));
    if (sets.length === 0) return;
    this.db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = @id`).run(values);
  }

  /** Marks a run as being run by this process (see reapAbandonedRuns). */
  claimRun(id: number): void {
    this.db.prepare('UPDATE runs SET pid = ?, host = ? WHERE id = ?').run(process.pid, hostname(), id);
  }

  /**
   * Runs left "running" by a process of this host that no longer exists (killed, crashed) become
   * "interrupted", so that listings tell the truth; rerunning resumes them. Returns how many.
   */
  reapAbandonedRuns(): number {
    const rows = this.db
      .prepare("SELECT id, pid FROM runs WHERE status = 'running' AND host = ? AND pid IS NOT NULL")
      .all(hostname()) as { id: number; pid: number }[];
    let reaped = 0;
    for (const row of rows) {
      if (row.pid === process.pid || processExists(row.pid)) continue;
      this.db
        .prepare(
          "UPDATE runs SET status = 'interrupted', error_message = ? WHERE id = ? AND status = 'running'",
        )
        .run(`the process running it (pid ${row.pid}) ended before it finished; rerun to resume`, row.id);
      reaped++;
    }
    return reaped;
  }

  /** Deletes a run with its params, metrics, artifacts rows and predictions (not the files). */
  deleteRun(id: number): boolean {
    return this.db.prepare('DELETE FROM runs WHERE id = ?').run(id).changes > 0;
  }

  /** Forgets everything a run recorded, to run it again from scratch (--force). */
  resetRun(id: number): void {
    this.db.transaction(() => {
      for (const table of ['params', 'metrics', 'artifacts', 'predictions']) {
        this.db.prepare(`DELETE FROM ${table} WHERE run_id = ?`).run(id);
      }
      this.db
        .prepare(
          `UPDATE runs SET status = 'pending', phase = NULL, error_message = NULL, error_stack = NULL,
             skip_reason = NULL, started_at = NULL, finished_at = NULL, timings_json = '{}' WHERE id = ?`,
        )
        .run(id);
    })();
  }

  // ---- params and metrics ------------------------------------------------------------------

  logParams(runId: number, params: Record<string, string | number | boolean>): void {
    const insert = this.db.prepare('INSERT OR REPLACE INTO params (run_id, name, value) VALUES (?, ?, ?)');
    this.db.transaction(() => {
      for (const [name, value] of Object.entries(params)) insert.run(runId, name, String(value));
    })();
  }

  params(runId: number): Record<string, string> {
    const rows = this.db
      .prepare('SELECT name, value FROM params WHERE run_id = ? ORDER BY name')
      .all(runId) as {
      name: string;
      value: string;
    }[];
    return Object.fromEntries(rows.map((row) => [row.name, row.value]));
  }

  logMetrics(runId: number, points: readonly MetricPoint[]): void {
    const insert = this.db.prepare(
      'INSERT INTO metrics (run_id, name, value, step, timestamp) VALUES (?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const point of points)
        insert.run(runId, point.name, point.value, point.step ?? null, point.timestamp);
    })();
  }

  /** Every metric point of a run, in the order logged. */
  metricHistory(runId: number, name?: string): MetricPoint[] {
    const rows = (
      name
        ? this.db
            .prepare(
              'SELECT name, value, step, timestamp FROM metrics WHERE run_id = ? AND name = ? ORDER BY id',
            )
            .all(runId, name)
        : this.db
            .prepare('SELECT name, value, step, timestamp FROM metrics WHERE run_id = ? ORDER BY id')
            .all(runId)
    ) as { name: string; value: number; step: number | null; timestamp: number }[];
    return rows.map((row) => ({
      name: row.name,
      value: row.value,
      step: row.step ?? undefined,
      timestamp: row.timestamp,
    }));
  }

  /** The points of every metric logged with a step (learning curves), in the order logged. */
  curvePoints(runId: number): MetricPoint[] {
    const rows = this.statement(
      'SELECT name, value, step, timestamp FROM metrics WHERE run_id = ? AND step IS NOT NULL ORDER BY id',
    )
      .raw()
      .all(runId) as [string, number, number, number][];
    return rows.map(([name, value, step, timestamp]) => ({ name, value, step, timestamp }));
  }

  /** The final value of every metric logged without a step (the run's results). */
  summaryMetrics(runId: number): Record<string, number> {
    const rows = this.statement(
      'SELECT name, value FROM metrics WHERE run_id = ? AND step IS NULL ORDER BY id',
    )
      .raw()
      .all(runId) as [string, number][];
    const result: Record<string, number> = {};
    for (const [name, value] of rows) result[name] = value;
    return result;
  }

  /**
   * Drops a run's summary metrics (before they are recomputed): all, or those whose names start
   * with one of the prefixes (`test.`). Curves (with steps) stay.
   */
  clearSummaryMetrics(runId: number, namePrefixes?: readonly string[]): void {
    if (!namePrefixes) {
      this.db.prepare('DELETE FROM metrics WHERE run_id = ? AND step IS NULL').run(runId);
      return;
    }
    const remove = this.db.prepare(
      'DELETE FROM metrics WHERE run_id = ? AND step IS NULL AND substr(name, 1, length(?)) = ?',
    );
    for (const prefix of namePrefixes) remove.run(runId, prefix, prefix);
  }

  // ---- artifacts and predictions -----------------------------------------------------------

  addArtifact(runId: number, name: string, path: string): ArtifactRow {
    const absolute = resolve(path);
    const row: ArtifactRow = {
      name,
      path: absolute,
      sha256: sha256File(absolute),
      bytes: statSync(absolute).size,
      createdAt: new Date().toISOString(),
    };
    this.db
      .prepare(
        'INSERT OR REPLACE INTO artifacts (run_id, name, path, sha256, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(runId, row.name, row.path, row.sha256, row.bytes, row.createdAt);
    return row;
  }

  artifacts(runId: number): ArtifactRow[] {
    return (
      this.db
        .prepare('SELECT name, path, sha256, bytes, created_at FROM artifacts WHERE run_id = ? ORDER BY name')
        .all(runId) as { name: string; path: string; sha256: string; bytes: number; created_at: string }[]
    ).map((row) => ({
      name: row.name,
      path: row.path,
      sha256: row.sha256,
      bytes: row.bytes,
      createdAt: row.created_at,
    }));
  }

  /**
   * Stores a split's predictions, in split order (positions maps each sentence id to its index in
   * the split file), replacing earlier ones. One JSON array per run and split: the report reads
   * whole splits, and one parse of an array is several times faster than one per row.
   */
  savePredictions(
    runId: number,
    split: string,
    predictions: readonly Prediction[],
    positions: ReadonlyMap<string, number>,
  ): void {
    const ordered = new Array<Prediction>(predictions.length);
    for (const prediction of predictions) {
      const position = positions.get(prediction.id);
      if (position === undefined || position >= predictions.length) {
        throw new Error(`prediction for unknown sentence ${prediction.id}`);
      }
      if (ordered[position]) throw new Error(`two predictions for sentence ${prediction.id}`);
      ordered[position] = prediction;
    }
    this.db
      .prepare(
        'INSERT OR REPLACE INTO predictions (run_id, split, count, predictions_json) VALUES (?, ?, ?, ?)',
      )
      .run(runId, split, ordered.length, JSON.stringify(ordered));
  }

  /** A split's predictions in split order (empty when none were stored). */
  predictions(runId: number, split: string): Prediction[] {
    const json = this.statement('SELECT predictions_json FROM predictions WHERE run_id = ? AND split = ?')
      .pluck()
      .get(runId, split) as string | undefined;
    return json === undefined ? [] : (JSON.parse(json) as Prediction[]);
  }

  // ---- LLM response cache ------------------------------------------------------------------

  cacheGet(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM llm_cache WHERE key = ?').get(key) as
      | { value: string }
      | undefined;
    if (row) {
      this.db
        .prepare('UPDATE llm_cache SET hits = hits + 1, last_hit_at = ? WHERE key = ?')
        .run(new Date().toISOString(), key);
    }
    return row?.value;
  }

  cacheSet(key: string, value: string): void {
    this.db
      .prepare('INSERT OR REPLACE INTO llm_cache (key, value, created_at) VALUES (?, ?, ?)')
      .run(key, value, new Date().toISOString());
  }

  private readonly statements = new Map<string, Database.Statement>();

  /** A prepared statement, compiled once per store (for queries on hot paths). */
  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private experimentId(name: string): number {
    const row = this.db.prepare('SELECT id FROM experiments WHERE name = ?').get(name) as
      | { id: number }
      | undefined;
    if (!row) throw new Error(`experiment "${name}" is not in the store (upsertExperiment first)`);
    return row.id;
  }
}

/** Whether the store at path lacks a migration this code knows (checked without writing to it). */
function needsMigration(path: string): boolean {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const hasTable = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
      .get();
    if (!hasTable) return true;
    const latest = (
      db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as { version: number | null }
    ).version;
    return (latest ?? 0) < LATEST_MIGRATION;
  } finally {
    db.close();
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function toRunRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    key: row.key,
    experiment: row.experiment,
    method: row.method,
    seed: row.seed,
    profile: row.profile ?? undefined,
    status: row.status,
    phase: row.phase ?? undefined,
    spec: JSON.parse(row.spec_json) as RunSpec,
    environment: row.environment_json ? (JSON.parse(row.environment_json) as RunEnvironment) : undefined,
    timings: JSON.parse(row.timings_json) as Record<string, number>,
    error: row.error_message
      ? { message: row.error_message, stack: row.error_stack ?? undefined }
      : undefined,
    skipReason: row.skip_reason ?? undefined,
    startedAt: row.started_at ?? undefined,
    finishedAt: row.finished_at ?? undefined,
  };
}
