/**
 * A content-addressed cache of what the report computes from stored predictions (per-run
 * statistics, error analyses, per-row intervals and tests), so a report re-rendered after new runs
 * only analyses the new ones. A key hashes everything the value depends on, including the source
 * of harness/eval and harness/report (CODE_VERSION): a code change never serves a stale value.
 * Entries live in a subfolder per code version; the folders of other versions can never be read
 * again and are removed when the cache opens. Deleting the whole folder is always safe. Without a
 * folder, values live for one build only.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, sha256 } from '../util/hash.ts';
import { projectPath } from '../util/paths.ts';

let codeVersion: string | undefined;

/** sha256 over the sources of the scorers and the report (file names and bytes). */
export function analysisCodeVersion(): string {
  if (codeVersion) return codeVersion;
  const parts: string[] = [];
  for (const folder of ['harness/eval', 'harness/report']) {
    const dir = projectPath(folder);
    for (const name of readdirSync(dir, { recursive: true }).map(String).sort()) {
      if (!name.endsWith('.ts')) continue;
      parts.push(`${folder}/${name}`, sha256(readFileSync(join(dir, name))));
    }
  }
  codeVersion = sha256(parts.join('\n'));
  return codeVersion;
}

export function cacheKey(kind: string, inputs: unknown): string {
  return `${kind}-${sha256(canonicalJson({ code: analysisCodeVersion(), inputs }))}`;
}

export class AnalysisCache {
  readonly stats = { hits: 0, misses: 0, writes: 0 };
  private readonly memory = new Map<string, unknown>();
  private readonly dir?: string;
  /** the folder was created (once per cache, not once per entry) */
  private made = false;
  /** file names in the folder: listed when the cache opens, plus what this cache wrote */
  private files = new Set<string>();

  constructor(root?: string) {
    if (!root) return;
    const version = analysisCodeVersion().slice(0, 16);
    this.dir = join(root, version);
    try {
      // the entries there now (listed once: a missing entry then costs no failed read)
      this.files = new Set(readdirSync(this.dir));
      this.made = true;
    } catch {
      this.files = new Set();
    }
    try {
      for (const entry of readdirSync(root, { withFileTypes: true })) {
        if (entry.isDirectory() && entry.name !== version && /^[0-9a-f]{16}$/.test(entry.name)) {
          rmSync(join(root, entry.name), { recursive: true, force: true });
        }
      }
    } catch {
      // no cache folder yet
    }
  }

  get<T>(key: string): T | undefined {
    if (this.memory.has(key)) {
      this.stats.hits++;
      return this.memory.get(key) as T;
    }
    if (this.dir && this.files.has(`${key}.json`)) {
      try {
        const value = JSON.parse(readFileSync(this.file(key), 'utf8')) as T;
        this.memory.set(key, value);
        this.stats.hits++;
        return value;
      } catch {
        // a missing or unreadable entry is a miss
      }
    }
    this.stats.misses++;
    return undefined;
  }

  set<T>(key: string, value: T): T {
    this.memory.set(key, value);
    if (this.dir) {
      const file = this.file(key);
      try {
        if (!this.made) {
          mkdirSync(this.dir, { recursive: true });
          this.made = true;
        }
        // write then rename: a reader never sees half an entry
        const temporary = `${file}.${process.pid}.tmp`;
        writeFileSync(temporary, JSON.stringify(value));
        renameSync(temporary, file);
        this.files.add(`${key}.json`);
        this.stats.writes++;
      } catch {
        // a store in a read-only folder: the value lives in memory for this report only
      }
    }
    return value;
  }

  /** The cached value, or computes, stores and returns it. */
  getOrCompute<T>(key: string, compute: () => T): T {
    const cached = this.get<T>(key);
    return cached === undefined ? this.set(key, compute()) : cached;
  }

  private file(key: string): string {
    return join(this.dir!, `${key}.json`);
  }
}
