/**
 * Loading experiment files: every problem in every file is collected (not just the first), each
 * located by file, line, column and key path. Experiments with errors are left out of the
 * result; loadExperimentsOrThrow turns any error into one ExperimentError listing them all.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Document } from 'yaml';
import type { z } from 'zod';
import type { AnyMethod } from '../methods/method.ts';
import { getMethod, loadMethods, methodNames } from '../methods/registry.ts';
import { checkExperiment } from './check.ts';
import { type ExperimentFile, experimentFiles } from './files.ts';
import { yamlFootguns } from './footguns.ts';
import { issueMessage, showValue, unknownKeyMessage } from './issues.ts';
import { ExperimentError, type KeyPath, type Problem, sortProblems } from './problems.ts';
import { type Experiment, experiment as experimentSchema } from './schema.ts';
import { didYouMean } from './suggest.ts';
import { locate, parseYaml, scalarSource, type YamlSource } from './yaml-source.ts';
import { keysAt } from './zod-path.ts';

export interface LoadedExperiment {
  name: string;
  /** the file as given (relative to the working directory when inside it) */
  file: string;
  /** absolute path of the file; dataset paths resolve against its folder */
  path: string;
  /** 0-based index of the YAML document in its file */
  document: number;
  /** 1-based line where the experiment starts */
  line: number;
  /** the validated file contents (params not yet through the method's schema) */
  config: Experiment;
  /** undefined for a published row (no `method`, only a `published` block): shown, never run */
  method?: AnyMethod;
}

export interface LoadResult {
  /** the experiments without errors, in file order */
  experiments: LoadedExperiment[];
  /** every error and warning, sorted by file and position */
  problems: Problem[];
  /** the files read */
  files: string[];
}

/**
 * Reads, validates and checks experiment files. Async because the methods the files name are
 * loaded first (the registry imports a method only when an experiment uses it).
 */
export async function loadExperiments(paths: readonly string[], cwd = process.cwd()): Promise<LoadResult> {
  const listed = experimentFiles(paths, cwd);
  const problems: Problem[] = [...listed.problems];
  const candidates: Candidate[] = [];
  const parsed = listed.files.map((file) => ({ file, ...readFile(file) }));
  await loadMethods(parsed.flatMap((file) => file.source?.documents.map(methodName) ?? []));
  for (const { file, source, problems: fileProblems } of parsed) {
    const loaded = source
      ? loadDocuments(file, source, fileProblems)
      : { problems: fileProblems, candidates: [] };
    problems.push(...loaded.problems);
    candidates.push(...loaded.candidates);
  }
  // names are unique across everything loaded together (also among experiments with other errors)
  const firstByName = new Map<string, Candidate>();
  for (const candidate of candidates) {
    const first = firstByName.get(candidate.experiment.name);
    if (first === undefined) {
      firstByName.set(candidate.experiment.name, candidate);
      continue;
    }
    candidate.ok = false;
    problems.push({
      severity: 'error',
      file: candidate.experiment.file,
      line: candidate.line,
      column: candidate.column,
      path: ['name'],
      message: `duplicate experiment name "${candidate.experiment.name}" (first at ${first.experiment.file}:${first.line}:${first.column})`,
    });
  }
  return {
    experiments: candidates.filter((candidate) => candidate.ok).map((candidate) => candidate.experiment),
    problems: withoutShadowedWarnings(sortProblems(problems)),
    files: listed.files.map((file) => file.display),
  };
}

/** Loads, and throws one ExperimentError listing every error if there is any. */
export async function loadExperimentsOrThrow(
  paths: readonly string[],
  cwd = process.cwd(),
): Promise<{ experiments: LoadedExperiment[]; warnings: Problem[]; files: string[] }> {
  const result = await loadExperiments(paths, cwd);
  if (result.problems.some((problem) => problem.severity === 'error'))
    throw new ExperimentError(result.problems);
  return { experiments: result.experiments, warnings: result.problems, files: result.files };
}

/** A document that names an experiment; ok when it has no errors. line/column: of its name. */
interface Candidate {
  experiment: LoadedExperiment;
  line: number;
  column: number;
  ok: boolean;
}

function readFile(file: ExperimentFile): { source?: YamlSource; problems: Problem[] } {
  let text: string;
  try {
    text = readFileSync(file.path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return {
      problems: [{ severity: 'error', file: file.display, path: [], message: `cannot read (${code})` }],
    };
  }
  return parseYaml(file.display, text);
}

/** The method a YAML document names, if it names one (to load it before checking the document). */
function methodName(document: Document.Parsed): string {
  try {
    const method = document.errors.length ? undefined : document.get('method');
    return typeof method === 'string' ? method : '';
  } catch {
    return '';
  }
}

function loadDocuments(
  file: ExperimentFile,
  source: YamlSource,
  problems: Problem[],
): { problems: Problem[]; candidates: Candidate[] } {
  const candidates: Candidate[] = [];
  source.documents.forEach((document, index) => {
    if (document.contents === null) return; // an empty document (a trailing `---`, only comments)
    if (document.errors.length > 0) return; // syntax errors are reported; the rest would be noise
    const result = loadDocument(source, document, file, index);
    problems.push(...result.problems);
    if (result.candidate) candidates.push(result.candidate);
  });
  if (source.documents.every((document) => document.contents === null) && problems.length === 0) {
    problems.push({
      severity: 'warning',
      file: file.display,
      path: [],
      message: 'no experiments in this file',
    });
  }
  return { problems, candidates };
}

function loadDocument(
  source: YamlSource,
  document: Document.Parsed,
  file: ExperimentFile,
  index: number,
): { problems: Problem[]; candidate?: Candidate } {
  const problems: Problem[] = [];
  const report = (at: KeyPath, message: string, mode: 'key' | 'value' = 'value') => {
    problems.push({
      severity: 'error',
      file: source.file,
      ...locate(source, document, at, mode),
      path: at,
      message,
    });
  };
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    report([], `YAML error: ${(error as Error).message}`);
    return { problems };
  }
  problems.push(...yamlFootguns(source, document));
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    report([], `expected a map of experiment fields (name, method, params, ...), got ${showValue(data)}`);
    return { problems };
  }
  const record = data as Record<string, unknown>;
  const parsed = experimentSchema.safeParse(record, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
      if (issue.code === 'unrecognized_keys') {
        const known = keysAt(experimentSchema, path);
        for (const key of issue.keys) report([...path, key], unknownKeyMessage(key, known), 'key');
      } else if (issue.code === 'invalid_key') {
        report(path, issueMessage(issue), 'key');
      } else {
        report(path, issueMessage(issue, { source: scalarSource(document, path, source.text) }));
      }
    }
  }
  const method = typeof record.method === 'string' ? getMethod(record.method) : undefined;
  if (typeof record.method === 'string' && record.method !== '' && !method) {
    const known = methodNames();
    const list = known.length === 0 ? ' (no methods are registered)' : ` (registered: ${known.join(', ')})`;
    report(['method'], `unknown method "${record.method}"${didYouMean(record.method, known) || list}`);
  }
  const publishedOnly = record.method === undefined;
  if (publishedOnly && record.published === undefined) {
    report(
      ['method'],
      'missing (a registered method; or, for a row of numbers from a paper, a `published` block)',
    );
  }
  if (method || (publishedOnly && parsed.success)) {
    // the checks run on the fields that are valid, so their problems show up too
    const config = parsed.success ? parsed.data : salvage(record);
    problems.push(...checkExperiment({ source, document, config, method, dir: dirname(file.path) }));
  }
  if (typeof record.name !== 'string') return { problems };
  const start = locate(source, document, ['name']);
  const experiment: LoadedExperiment = {
    name: record.name,
    file: file.display,
    path: file.path,
    document: index,
    line: locate(source, document, []).line,
    config: parsed.data as Experiment,
    method,
  };
  const ok =
    parsed.success &&
    (method !== undefined || publishedOnly) &&
    !problems.some((problem) => problem.severity === 'error');
  return { problems, candidate: { experiment, line: start.line, column: start.column, ok } };
}

/** The fields that are valid on their own (the others left out), for the method's checks. */
function salvage(record: Record<string, unknown>): Experiment {
  const fields: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(experimentSchema.shape)) {
    const result = (schema as z.ZodType).safeParse(record[key]);
    if (result.success) fields[key] = result.data;
    else if (key === 'sweep' || key === 'profiles') fields[key] = validEntries(schema, record[key]);
  }
  return fields as Experiment;
}

/** The entries of a map (sweep, profiles) that are valid on their own. */
function validEntries(schema: z.ZodType, value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value).filter(([key, entry]) => schema.safeParse({ [key]: entry }).success);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** A warning at the very spot of an error says less than the error (`1e-4x` is text / expected number). */
function withoutShadowedWarnings(problems: Problem[]): Problem[] {
  const errorAt = new Set(
    problems.filter((problem) => problem.severity === 'error').map((p) => `${p.file}:${p.line}:${p.column}`),
  );
  return problems.filter(
    (problem) =>
      problem.severity === 'error' || !errorAt.has(`${problem.file}:${problem.line}:${problem.column}`),
  );
}
