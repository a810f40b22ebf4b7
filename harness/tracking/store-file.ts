/**
 * Opening the store file safely. A skillbench store carries a marker in its SQLite header
 * (application_id = STORE_APPLICATION_ID, user_version = the newest migration applied), so that
 * skillbench never takes over another program's database and never writes to a store a newer
 * skillbench laid out. Everything wrong with the file (missing, not SQLite, truncated, foreign,
 * newer, unreadable, in a read-only folder) becomes one InputError that names the file.
 */
import { accessSync, closeSync, constants, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { InputError } from '../util/errors.ts';
import { LATEST_MIGRATION, MIGRATIONS, migrate } from './migrations.ts';

/** "SkBn" as a big-endian 32-bit integer: the application_id of every skillbench store. */
export const STORE_APPLICATION_ID = 0x536b426e;

/** How long a write waits for another process's write to end before giving up (ms). */
export const BUSY_TIMEOUT_MS = 15_000;

const SQLITE_MAGIC = 'SQLite format 3\0';

// file: URIs (for opening a store in a read-only folder immutable); read when better-sqlite3
// loads its addon, at the first database opened in the process
process.env.SQLITE_USE_URI ??= '1';

interface Header {
  pageSize: number;
  /** pages the header says the file has, when that field is valid */
  pages?: number;
  wal: boolean;
  userVersion: number;
  applicationId: number;
}

/** What the store file is, read from its first 100 bytes without opening it through SQLite. */
function readHeader(path: string): Header | 'empty' | 'not-sqlite' {
  const bytes = Buffer.alloc(100);
  const fd = openSync(path, 'r');
  let read: number;
  try {
    read = readSync(fd, bytes, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (read === 0) return 'empty';
  if (read < 100 || bytes.toString('latin1', 0, 16) !== SQLITE_MAGIC) return 'not-sqlite';
  const rawPageSize = bytes.readUInt16BE(16);
  const changeCounter = bytes.readUInt32BE(24);
  const validFor = bytes.readUInt32BE(92);
  return {
    pageSize: rawPageSize === 1 ? 65536 : rawPageSize,
    pages: changeCounter === validFor && changeCounter !== 0 ? bytes.readUInt32BE(28) : undefined,
    wal: bytes[18] === 2,
    userVersion: bytes.readUInt32BE(60),
    applicationId: bytes.readUInt32BE(68),
  };
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** A message for an error SQLite or the file system raised while opening `path`. */
export function describeOpenError(path: string, error: unknown): InputError {
  if (error instanceof InputError) return error;
  const code = (error as { code?: string }).code ?? '';
  const detail = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_NOTADB')
    return new InputError('is not a SQLite database (not a skillbench store)', path);
  if (code.startsWith('SQLITE_CORRUPT'))
    return new InputError(`is damaged (${detail}); restore it from a backup or start a new store`, path);
  if (code === 'EACCES' || code === 'EPERM' || code.startsWith('SQLITE_PERM'))
    return new InputError(`cannot be read: permission denied`, path);
  if (code.startsWith('SQLITE_READONLY'))
    return new InputError(
      'is read-only (the file or its folder cannot be written); running needs a writable store (pass --store elsewhere)',
      path,
    );
  if (code.startsWith('SQLITE_CANTOPEN'))
    return new InputError(`cannot be opened (${detail}); check that it and its folder are readable`, path);
  if (code === 'EISDIR') return new InputError('is a folder, not a store file', path);
  return new InputError(`cannot be opened (${detail})`, path);
}

export interface StoreFacts {
  /** the newest migration applied (0: a file with no tables yet) */
  version: number;
  /** migrations this code knows that the store lacks (versions may have gaps: a store upgraded by
   * another branch can be at a higher version and still lack one) */
  missing: number[];
  /** a store from before the marker: its layout is ours, the header does not say so yet */
  unmarked: boolean;
}

/**
 * Checks that `db` (just opened on `path`) holds a skillbench store this code may use, and says
 * which version it is at. An empty database is a new store.
 */
function inspect(db: Database.Database, path: string): StoreFacts {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const tables = (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[]
  ).map((row) => row.name);
  const ours = applicationId === STORE_APPLICATION_ID;
  const legacy = applicationId === 0 && tables.includes('schema_migrations') && tables.includes('runs');
  if (!ours && !legacy) {
    if (applicationId === 0 && tables.length === 0)
      return { version: 0, missing: MIGRATIONS.map((m) => m.version), unmarked: true };
    const whose =
      applicationId !== 0
        ? `application_id 0x${applicationId.toString(16)}`
        : `tables ${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', ...' : ''}`;
    throw new InputError(
      `is a SQLite database of another program (${whose}), not a skillbench store; it was left untouched (pass --store with a skillbench store or a new file)`,
      path,
    );
  }
  const applied = tables.includes('schema_migrations')
    ? (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
        (r) => r.version,
      )
    : [];
  const known = new Set(MIGRATIONS.map((m) => m.version));
  const version = Math.max(0, db.pragma('user_version', { simple: true }) as number, ...applied);
  const unknown = applied.filter((v) => !known.has(v));
  if (version > LATEST_MIGRATION || unknown.length > 0) {
    throw new InputError(
      `was written by a newer skillbench (schema version ${version}${unknown.length ? `, migrations ${unknown.join(', ')}` : ''}; this one knows up to ${LATEST_MIGRATION}); update skillbench to use it (the store was left untouched)`,
      path,
    );
  }
  const missing = [...known].filter((v) => !applied.includes(v));
  return { version, missing, unmarked: !ours };
}

/** Checks done on the file before SQLite opens it (so a foreign or damaged file is never touched). */
function checkFile(path: string): 'empty' | Header {
  let header: ReturnType<typeof readHeader>;
  try {
    if (statSync(path).isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    header = readHeader(path);
  } catch (error) {
    throw describeOpenError(path, error);
  }
  if (header === 'not-sqlite') {
    throw new InputError('is not a SQLite database (not a skillbench store); it was left untouched', path);
  }
  if (header === 'empty') return header;
  if (header.applicationId !== 0 && header.applicationId !== STORE_APPLICATION_ID) {
    throw new InputError(
      `is a SQLite database of another program (application_id 0x${header.applicationId.toString(16)}), not a skillbench store; it was left untouched (pass --store with a skillbench store or a new file)`,
      path,
    );
  }
  const expected = header.pages === undefined ? undefined : header.pages * header.pageSize;
  const actual = fileSize(path);
  // with a non-empty write-ahead log the database file may be legitimately shorter
  if (expected !== undefined && actual < expected && fileSize(`${path}-wal`) === 0) {
    throw new InputError(
      `is truncated (its header says ${expected} bytes, the file has ${actual}); restore it from a backup or start a new store`,
      path,
    );
  }
  return header;
}

/**
 * Opens `path` read-only. SQLite needs the WAL index (the -shm file) beside a WAL store, which a
 * read-only folder cannot hold: there nobody can be writing, so the store opens immutable.
 */
function openReadonly(path: string): Database.Database {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.prepare('SELECT COUNT(*) FROM sqlite_master').get();
    return db;
  } catch (error) {
    db.close();
    const code = (error as { code?: string }).code ?? '';
    const lockedOut = code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY');
    if (!lockedOut || writable(dirname(path))) throw error;
    return new Database(`${pathToFileURL(path).href}?immutable=1`, { readonly: true, fileMustExist: true });
  }
}

export interface OpenedStore {
  db: Database.Database;
  readonly: boolean;
}

/**
 * Opens the store at `path`. Writable: creates the file (and folder) when missing, applies the
 * migrations and sets the marker. Read-only: never writes, except that an older store of ours in
 * a writable place is brought up to date first (the code reads only the newest layout).
 */
export function openStoreFile(path: string, options: { readonly?: boolean } = {}): OpenedStore {
  if (path === ':memory:') {
    const db = new Database(path);
    prepareWritable(db);
    migrateAndMark(db);
    return { db, readonly: false };
  }
  let exists = true;
  try {
    statSync(path);
  } catch {
    exists = false;
  }
  if (!exists && options.readonly) {
    throw new InputError(`no tracking store at ${path} (run experiments first, or pass --store)`);
  }
  const header = exists ? checkFile(path) : 'empty';
  if (options.readonly) {
    if (header === 'empty') {
      throw new InputError('is empty: no runs were recorded in it yet (run experiments first)', path);
    }
    let db: Database.Database | undefined;
    try {
      db = openReadonly(path);
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      const facts = inspect(db, path);
      if (facts.missing.length === 0) return { db, readonly: true };
      if (facts.version === 0)
        throw new InputError('has no skillbench tables yet (run experiments first)', path);
      db.close();
      db = undefined;
      if (!writable(path) || !writable(dirname(path))) {
        throw new InputError(
          `lacks schema migration(s) ${facts.missing.join(', ')} that this skillbench reads with; it is read-only here, so it cannot be upgraded (run skillbench where the store can be written once)`,
          path,
        );
      }
      openStoreFile(path).db.close();
      const upgraded = openReadonly(path);
      upgraded.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      return { db: upgraded, readonly: true };
    } catch (error) {
      db?.close();
      throw describeOpenError(path, error);
    }
  }
  let db: Database.Database | undefined;
  try {
    if (!exists) mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    inspect(db, path);
    prepareWritable(db);
    migrateAndMark(db);
    return { db, readonly: false };
  } catch (error) {
    db?.close();
    throw describeOpenError(path, error);
  }
}

function prepareWritable(db: Database.Database): void {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
}

/**
 * Applies missing migrations and sets the marker, in one immediate transaction (two processes
 * opening a new store at once: one migrates, the other waits and finds nothing left to do).
 * The check for a newer store is repeated inside it: another process may have upgraded the store
 * since it was inspected.
 */
function migrateAndMark(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > LATEST_MIGRATION) {
      throw new InputError(
        `was upgraded by a newer skillbench meanwhile (schema version ${version}; this one knows up to ${LATEST_MIGRATION})`,
      );
    }
    migrate(db);
    if ((db.pragma('application_id', { simple: true }) as number) !== STORE_APPLICATION_ID)
      db.pragma(`application_id = ${STORE_APPLICATION_ID}`);
    if ((db.pragma('user_version', { simple: true }) as number) !== LATEST_MIGRATION)
      db.pragma(`user_version = ${LATEST_MIGRATION}`);
  }).immediate();
}
