/**
 * A run's journal: what executing it wrote, as JSON lines appended to
 * <work>/runs/<key>/journal.jsonl by the worker instead of the SQLite store (SQLite over a network
 * filesystem with many writers loses data). Every attempt appends to the same journal, so
 * replaying it from the start gives exactly the state the local executor would have left in the
 * store: the head ingests it that way (ingest.ts), and a resumed worker reads it back the same way.
 *
 * A line cut short by a kill is dropped (and cut off before the next attempt appends).
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { Prediction } from '../data/types.ts';
import type { RunWriter } from '../runner/execute-run.ts';
import {
  type ArtifactRow,
  type ClaimResult,
  describeArtifact,
  type MetricPoint,
  orderPredictions,
  type RunUpdate,
} from '../tracking/store.ts';
import type { RunRecord, RunSpec } from '../tracking/types.ts';
import type { WorkDir } from './work-dir.ts';

const record = z.record(z.string(), z.unknown());
const at = z.string();

const journalEvent = z.discriminatedUnion('event', [
  z.strictObject({
    event: z.literal('attempt'),
    at,
    job: z.string().optional(),
    host: z.string(),
    pid: z.number(),
  }),
  z.strictObject({ event: z.literal('reset'), at }),
  z.strictObject({ event: z.literal('update'), at, update: record }),
  z.strictObject({
    event: z.literal('params'),
    at,
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  }),
  z.strictObject({
    event: z.literal('metrics'),
    at,
    points: z.array(
      z.strictObject({
        name: z.string(),
        value: z.number(),
        step: z.number().optional(),
        timestamp: z.number(),
      }),
    ),
  }),
  z.strictObject({ event: z.literal('clear-summary'), at, prefixes: z.array(z.string()).optional() }),
  z.strictObject({
    event: z.literal('artifact'),
    at,
    artifact: z.strictObject({
      name: z.string(),
      path: z.string(),
      sha256: z.string(),
      bytes: z.number(),
      createdAt: z.string(),
    }),
  }),
  z.strictObject({ event: z.literal('predictions'), at, split: z.string(), predictions: z.array(record) }),
  z.strictObject({ event: z.literal('cache'), at, key: z.string(), value: z.string() }),
  z.strictObject({
    event: z.literal('progress'),
    at,
    phase: z.string(),
    done: z.number(),
    total: z.number(),
    unit: z.string(),
    status: z.string(),
  }),
]);

export type JournalEvent = z.output<typeof journalEvent>;
type EventBody = JournalEvent extends infer E ? (E extends JournalEvent ? Omit<E, 'at'> : never) : never;

export interface JournalContents {
  events: JournalEvent[];
  /** bytes of whole, valid lines (a torn last line is not counted) */
  bytes: number;
}

/** Reads a journal; a missing file is an empty journal. Only a torn LAST line is forgiven. */
export function readJournal(path: string, from = 0): JournalContents {
  if (!existsSync(path)) return { events: [], bytes: 0 };
  const buffer = readFileSync(path);
  const events: JournalEvent[] = [];
  let offset = from;
  let lineNumber = 0;
  while (offset < buffer.length) {
    const newline = buffer.indexOf(10, offset);
    lineNumber++;
    if (newline < 0) break; // torn last line: the writer was killed mid-line
    const line = buffer.subarray(offset, newline).toString('utf8');
    let parsed: ReturnType<typeof journalEvent.safeParse> | undefined;
    try {
      parsed = journalEvent.safeParse(JSON.parse(line));
    } catch (error) {
      if (buffer.indexOf(10, newline + 1) < 0 && newline + 1 >= buffer.length) break;
      throw new Error(
        `${path}: line ${lineNumber} (byte ${offset}) is not JSON: ${(error as Error).message}`,
      );
    }
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `${path}: line ${lineNumber} (byte ${offset}): ${issue.path.join('.') || 'event'}: ${issue.message}`,
      );
    }
    events.push(parsed.data);
    offset = newline + 1;
  }
  return { events, bytes: offset };
}

/** What the replay of a journal calls: the store's writing methods for one run (RunStore fits). */
export interface ReplayTarget {
  resetRun(id: number): void;
  updateRun(id: number, update: RunUpdate): void;
  logParams(id: number, params: Record<string, string | number | boolean>): void;
  logMetrics(id: number, points: readonly MetricPoint[]): void;
  clearSummaryMetrics(id: number, namePrefixes?: readonly string[]): void;
  putArtifact(id: number, row: ArtifactRow): void;
  savePredictions(
    id: number,
    split: string,
    predictions: readonly Prediction[],
    positions: ReadonlyMap<string, number>,
  ): void;
  cacheSet(key: string, value: string): void;
}

export function replayEvent(event: JournalEvent, target: ReplayTarget, runId: number): void {
  switch (event.event) {
    case 'reset':
      target.resetRun(runId);
      break;
    case 'update':
      target.updateRun(runId, event.update as RunUpdate);
      break;
    case 'params':
      target.logParams(runId, event.params);
      break;
    case 'metrics':
      target.logMetrics(runId, event.points);
      break;
    case 'clear-summary':
      target.clearSummaryMetrics(runId, event.prefixes);
      break;
    case 'artifact':
      target.putArtifact(runId, event.artifact);
      break;
    case 'predictions': {
      const predictions = event.predictions as unknown as Prediction[];
      target.savePredictions(runId, event.split, predictions, new Map(predictions.map((p, i) => [p.id, i])));
      break;
    }
    case 'cache':
      target.cacheSet(event.key, event.value);
      break;
    // attempt, progress: for people and the progress board, not for the store
  }
}

/** A RunRecord as a journal leaves it: the spec with every update applied. */
function freshRecord(spec: RunSpec): RunRecord {
  return {
    id: 1,
    key: spec.key,
    experiment: spec.experiment,
    method: spec.method,
    seed: spec.seed,
    profile: spec.profile,
    status: 'pending',
    spec,
    timings: {},
  };
}

function applyUpdate(run: RunRecord, update: RunUpdate): RunRecord {
  const next = { ...run };
  const set = <K extends keyof RunRecord>(key: K, value: RunRecord[K] | null | undefined) => {
    if (value === undefined) return;
    if (value === null) delete next[key];
    else next[key] = value;
  };
  set('status', update.status);
  set('phase', update.phase);
  set('startedAt', update.startedAt);
  set('finishedAt', update.finishedAt);
  set('error', update.error);
  set('skipReason', update.skipReason);
  set('environment', update.environment);
  set('timings', update.timings);
  return next;
}

/**
 * The worker's RunWriter: executeRun writes through it exactly as it writes to the store locally;
 * every write becomes a journal event (flushed to disk), and what executeRun reads back (the run's
 * status and timings, the response cache) comes from replaying the journal.
 */
export class JournalRun implements RunWriter {
  private run: RunRecord;
  private readonly cache = new Map<string, string>();
  private fd: number | undefined;
  readonly path: string;

  constructor(
    private readonly workDir: WorkDir,
    private readonly spec: RunSpec,
  ) {
    this.path = workDir.journalPath(spec.key);
    mkdirSync(dirname(this.path), { recursive: true });
    const { events, bytes } = readJournal(this.path);
    // cut a torn last line off, so the next line starts on its own
    if (existsSync(this.path)) truncateSync(this.path, bytes);
    this.run = freshRecord(spec);
    const memory: ReplayTarget = {
      resetRun: () => {
        this.run = freshRecord(spec);
      },
      updateRun: (_, update) => {
        this.run = applyUpdate(this.run, update);
      },
      cacheSet: (key, value) => this.cache.set(key, value),
      logParams: () => {},
      logMetrics: () => {},
      clearSummaryMetrics: () => {},
      putArtifact: () => {},
      savePredictions: () => {},
    };
    for (const event of events) replayEvent(event, memory, this.run.id);
    this.fd = openSync(this.path, 'a');
  }

  /** Appends an event; progress lines are not forced to disk, the rest are. */
  write(body: EventBody): void {
    if (this.fd === undefined) throw new Error(`journal ${this.path} is closed`);
    writeSync(this.fd, `${JSON.stringify({ ...body, at: new Date().toISOString() })}\n`);
    if (body.event !== 'progress') fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd === undefined) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
  }

  ensureRun(spec: RunSpec): RunRecord {
    if (spec.key !== this.spec.key)
      throw new Error(`journal of run ${this.spec.key} asked for run ${spec.key}`);
    return this.getRun();
  }

  getRun(): RunRecord {
    return structuredClone(this.run);
  }

  artifactRoot(): string {
    return this.workDir.artifactRoot();
  }

  resetRun(): void {
    this.write({ event: 'reset' });
    this.run = freshRecord(this.spec);
  }

  updateRun(_id: number, update: RunUpdate): void {
    this.write({ event: 'update', update: update as Record<string, unknown> });
    this.run = applyUpdate(this.run, update);
  }

  /** The worker records its attempt itself (job id, host, pid); the head does not lease cluster runs. */
  claimRun(): ClaimResult {
    return { claimed: true, run: this.getRun() };
  }

  renewLease(): boolean {
    return true;
  }

  releaseRun(): void {}

  /** Curves already in the journal are not known here; logging them again is idempotent on ingest. */
  curvePoints(): MetricPoint[] {
    return [];
  }

  logParams(_id: number, params: Record<string, string | number | boolean>): void {
    this.write({ event: 'params', params });
  }

  logMetrics(_id: number, points: readonly MetricPoint[]): void {
    this.write({ event: 'metrics', points: [...points] });
  }

  clearSummaryMetrics(_id: number, namePrefixes?: readonly string[]): void {
    this.write({ event: 'clear-summary', prefixes: namePrefixes && [...namePrefixes] });
  }

  addArtifact(_id: number, name: string, path: string): ArtifactRow {
    const artifact = describeArtifact(name, path);
    this.write({ event: 'artifact', artifact });
    return artifact;
  }

  savePredictions(
    _id: number,
    split: string,
    predictions: readonly Prediction[],
    positions: ReadonlyMap<string, number>,
  ): void {
    const ordered = orderPredictions(predictions, positions);
    this.write({ event: 'predictions', split, predictions: ordered as unknown as Record<string, unknown>[] });
  }

  cacheGet(key: string): string | undefined {
    return this.cache.get(key);
  }

  cacheSet(key: string, value: string): void {
    this.write({ event: 'cache', key, value });
    this.cache.set(key, value);
  }
}
