/**
 * The self-contained HTML report: Handlebars templates and partials from reports/templates, the
 * stylesheet and the explorer's script from reports/ inlined, charts as inline SVG, the explorer's
 * data as JSON in a script element. The file loads nothing at view time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import { projectPath } from '../util/paths.ts';
import { reportView } from './html/report-view.ts';
import type { ReportModel } from './model-types.ts';

export const TEMPLATE_DIR = projectPath('reports', 'templates');

interface Templates {
  render: Handlebars.TemplateDelegate;
  css: string;
  script: string;
}

let compiled: Templates | undefined;

/** Compiles the templates once per process (they are read from reports/ at the first render). */
function templates(): Templates {
  if (compiled) return compiled;
  const handlebars = Handlebars.create();
  const partialDir = join(TEMPLATE_DIR, 'partials');
  for (const file of readdirSync(partialDir)
    .filter((name) => name.endsWith('.hbs'))
    .sort()) {
    handlebars.registerPartial(basename(file, '.hbs'), readFileSync(join(partialDir, file), 'utf8'));
  }
  handlebars.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  handlebars.registerHelper('join', (values: unknown[], separator: unknown) =>
    Array.isArray(values) ? values.join(typeof separator === 'string' ? separator : ', ') : '',
  );
  compiled = {
    render: handlebars.compile(readFileSync(join(TEMPLATE_DIR, 'report.hbs'), 'utf8'), {
      strict: false,
      noEscape: false,
    }),
    css: readFileSync(projectPath('reports', 'styles', 'report.css'), 'utf8'),
    script: readFileSync(projectPath('reports', 'scripts', 'explorer.js'), 'utf8'),
  };
  return compiled;
}

/** Text placed inside <style> or <script> must not close the element early. */
function inlineSafe(text: string, element: 'style' | 'script'): string {
  return text.replace(new RegExp(`</${element}`, 'gi'), `<\\/${element}`);
}

export function renderHtml(model: ReportModel): string {
  const { render, css, script } = templates();
  return render({
    ...reportView(model),
    css: inlineSafe(css, 'style'),
    script: inlineSafe(script, 'script'),
  });
}
