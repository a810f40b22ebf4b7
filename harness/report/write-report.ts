/**
 * The report's entry point for the CLI and the runner: opens the store read-only, builds the model
 * and writes one file (HTML, Markdown or LaTeX). `npm start` calls writeReport at the end of a run.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { RunStore } from '../tracking/store.ts';
import { InputError } from '../util/errors.ts';
import { projectPath } from '../util/paths.ts';
import type { CellContent } from './leaderboard-table.ts';
import { buildReportModel, type ReportOptions } from './model.ts';
import type { ReportModel } from './model-types.ts';
import { DEFAULT_OUTPUTS, type ReportFormat } from './outputs.ts';
import { renderHtml } from './render-html.ts';
import { renderLatex } from './render-latex.ts';
import { renderMarkdown } from './render-markdown.ts';

export { DEFAULT_OUTPUTS, REPORT_FORMATS, type ReportFormat } from './outputs.ts';

export interface WriteReportOptions extends Omit<ReportOptions, 'explorer'> {
  storePath: string;
  /** default: DEFAULT_OUTPUTS[format] under the project root */
  out?: string;
  format?: ReportFormat;
  /** Markdown / LaTeX cells: mean ± sd, the CI, or both (default both) */
  cells?: CellContent;
}

export interface WrittenReport {
  path: string;
  bytes: number;
  model: ReportModel;
  /** milliseconds: building the model, rendering, writing */
  timings: { model: number; render: number; write: number };
}

export function renderReport(model: ReportModel, format: ReportFormat, cells?: CellContent): string {
  switch (format) {
    case 'html':
      return renderHtml(model);
    case 'md':
      return renderMarkdown(model, { cells });
    case 'latex':
      return renderLatex(model, { cells });
  }
}

/** Builds the report from the store at `storePath` and writes it; returns where, and what it took. */
export function writeReportFile(options: WriteReportOptions): WrittenReport {
  const format = options.format ?? 'html';
  if (options.storePath !== ':memory:' && !existsSync(options.storePath)) {
    throw new InputError(
      `no tracking store at ${options.storePath} (run experiments first, or pass --store)`,
    );
  }
  const out = resolve(options.out ?? projectPath(DEFAULT_OUTPUTS[format]));
  const store = new RunStore(options.storePath, { readonly: true });
  try {
    let started = performance.now();
    const model = buildReportModel(store, {
      ...options,
      storePath: options.storePath,
      explorer: format === 'html',
    });
    const modelMs = performance.now() - started;
    started = performance.now();
    const text = renderReport(model, format, options.cells);
    const renderMs = performance.now() - started;
    started = performance.now();
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text);
    return {
      path: out,
      bytes: Buffer.byteLength(text),
      model,
      timings: { model: modelMs, render: renderMs, write: performance.now() - started },
    };
  } finally {
    store.close();
  }
}

/** What the runner calls at the end of `npm start`: writes the report and returns its path. */
export function writeReport(options: WriteReportOptions): string {
  return writeReportFile(options).path;
}
