import type Database from 'better-sqlite3';

/**
 * Versioned schema migrations. Each entry runs once, in order, inside a transaction; the applied
 * versions are kept in schema_migrations. Never edit a migration that has shipped: add one.
 */
export const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'experiments, runs, params, metrics, artifacts, predictions, llm cache',
    sql: `
      CREATE TABLE experiments (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        description TEXT,
        method TEXT NOT NULL,
        file TEXT,
        published_json TEXT,
        tags_json TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        experiment_id INTEGER NOT NULL REFERENCES experiments(id),
        method TEXT NOT NULL,
        seed INTEGER NOT NULL,
        profile TEXT,
        status TEXT NOT NULL,
        phase TEXT,
        spec_json TEXT NOT NULL,
        environment_json TEXT,
        timings_json TEXT NOT NULL DEFAULT '{}',
        error_message TEXT,
        error_stack TEXT,
        skip_reason TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT
      );
      CREATE INDEX runs_by_experiment ON runs(experiment_id);
      CREATE INDEX runs_by_status ON runs(status);
      -- a run whose key another experiment also expands to is shared, and listed under both
      CREATE TABLE experiment_runs (
        experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        PRIMARY KEY (experiment_id, run_id)
      );
      CREATE TABLE params (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (run_id, name)
      );
      CREATE TABLE metrics (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        value REAL NOT NULL,
        step INTEGER,
        timestamp INTEGER NOT NULL
      );
      CREATE INDEX metrics_by_run ON metrics(run_id, name, step);
      CREATE TABLE artifacts (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (run_id, name)
      );
      CREATE TABLE predictions (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        split TEXT NOT NULL,
        position INTEGER NOT NULL,
        sentence_id TEXT NOT NULL,
        prediction_json TEXT NOT NULL,
        PRIMARY KEY (run_id, split, position)
      );
      CREATE TABLE llm_cache (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        created_at TEXT NOT NULL,
        hits INTEGER NOT NULL DEFAULT 0,
        last_hit_at TEXT
      );
    `,
  },
  {
    version: 2,
    name: 'MLflow mirror mapping',
    sql: `
      CREATE TABLE mlflow_runs (
        run_key TEXT NOT NULL,
        tracking_uri TEXT NOT NULL,
        experiment_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        sent_json TEXT NOT NULL DEFAULT '{}',
        synced_at TEXT NOT NULL,
        PRIMARY KEY (run_key, tracking_uri)
      );
    `,
  },
  {
    version: 3,
    name: 'the process running a run, to tell a killed run from a running one',
    sql: `
      ALTER TABLE runs ADD COLUMN pid INTEGER;
      ALTER TABLE runs ADD COLUMN host TEXT;
    `,
  },
  {
    version: 4,
    name: 'predictions as one JSON array per run and split (the report reads whole splits)',
    sql: `
      CREATE TABLE prediction_sets (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        split TEXT NOT NULL,
        count INTEGER NOT NULL,
        predictions_json TEXT NOT NULL,
        PRIMARY KEY (run_id, split)
      );
      INSERT INTO prediction_sets (run_id, split, count, predictions_json)
        SELECT run_id, split, COUNT(*), '[' || group_concat(prediction_json, ',' ORDER BY position) || ']'
        FROM predictions GROUP BY run_id, split;
      DROP TABLE predictions;
      ALTER TABLE prediction_sets RENAME TO predictions;
    `,
  },
  {
    version: 5,
    name: 'one metric point per (run, name, step): a resumed run logs a step again instead of twice',
    sql: `
      DELETE FROM metrics WHERE id NOT IN (
        SELECT MAX(id) FROM metrics GROUP BY run_id, name, ifnull(step, -1)
      );
      DROP INDEX metrics_by_run;
      CREATE UNIQUE INDEX metrics_point ON metrics(run_id, name, ifnull(step, -1));
    `,
  },
  {
    version: 6,
    name: 'run leases: the process executing a run, and when it last said it was alive',
    sql: `
      ALTER TABLE runs ADD COLUMN owner TEXT;
      ALTER TABLE runs ADD COLUMN heartbeat_at INTEGER;
    `,
  },
  {
    version: 9,
    name: 'runs: executor, cluster job id and state, journal bytes ingested',
    sql: `
      ALTER TABLE runs ADD COLUMN executor TEXT;
      ALTER TABLE runs ADD COLUMN job_id TEXT;
      ALTER TABLE runs ADD COLUMN job_state TEXT;
      ALTER TABLE runs ADD COLUMN journal_bytes INTEGER;
    `,
  },
];

export const LATEST_MIGRATION = Math.max(...MIGRATIONS.map((migration) => migration.version));

export function migrate(db: Database.Database): number[] {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
      (row) => row.version,
    ),
  );
  const newlyApplied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
    })();
    newlyApplied.push(migration.version);
  }
  return newlyApplied;
}
