import test from 'ava';
import { buildReportModel } from '../../harness/report/model.ts';
import { escapeLatex, renderLatex } from '../../harness/report/render-latex.ts';
import { escapeMarkdown, renderMarkdown } from '../../harness/report/render-markdown.ts';
import { addSystem } from './fixtures/store-fixture.ts';
import { table2Store } from './fixtures/temp-store.ts';

function awkwardStore(t: Parameters<typeof table2Store>[0]) {
  const fixture = table2Store(t, { testLimit: 600, devLimit: 100 });
  addSystem(fixture.store, {
    experiment: 'odd_name',
    description: 'Tricky text: 100% of {braces} & #hash | pipe *star* <b>tag</b> ~tilde^ back\\slash $dollar',
    method: 'odd',
    seeds: [1, 2],
    degradation: { drop: 0.4, shift: 0.1, relabel: 0.1, spurious: 0.1 },
    testLimit: 600,
  });
  return fixture;
}

test('escaping: Markdown cells and LaTeX text', (t) => {
  t.is(escapeMarkdown('a|b*c_d`e'), 'a\\|b\\*c\\_d\\`e');
  t.is(escapeMarkdown('p < 0.001 <b>'), 'p < 0.001 &lt;b>');
  t.is(
    escapeLatex('100% & $5 #1 a_b {x} ~ ^ \\'),
    '100\\% \\& \\$5 \\#1 a\\_b \\{x\\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{}',
  );
  t.is(escapeLatex('54.1 ± 0.3, −1.2, Δ ▼'), '54.1 $\\pm$ 0.3, $-$1.2, $\\Delta$ $\\blacktriangledown$');
});

test('Markdown: one table line per published, reproduced and Δ line, markers, footnotes', (t) => {
  const { store } = awkwardStore(t);
  const model = buildReportModel(store, { bootstrap: 200, cacheDir: false, now: new Date(0) });
  const text = renderMarkdown(model, { cells: 'both' });
  const lines = text.split('\n');
  const tableLines = lines.filter((line) => line.startsWith('|'));
  const header = tableLines[0];
  t.is(
    header,
    '| Method | Parameters | Skill span F1 | Knowledge span F1 | Total span F1 | Training & Inference | vs best |',
  );
  for (const line of tableLines) t.is(line.split(/(?<!\\)\|/).length, 9, `7 cells: ${line}`);
  t.true(
    tableLines.some((line) =>
      line.startsWith('| **bert-tagger** (published: Zhang et al. (2022), SkillSpan, NAACLᵇ)'),
    ),
  );
  t.true(tableLines.some((line) => /^\| Δ \(paper protocol\) \| {2}\| [+−±]\d/.test(line)));
  t.true(tableLines.some((line) => line.includes('★ best')));
  t.true(tableLines.some((line) => line.includes('▼ p = ')));
  t.true(tableLines.some((line) => line.includes("*not in the paper's table*")));
  // mean ± sd then the CI in brackets, one decimal
  t.regex(text, /\| \d+\.\d ± \d+\.\d \[\d+\.\d, \d+\.\d\] \|/);
  // the awkward description is escaped, not interpreted
  const odd = tableLines.find((line) => line.startsWith('| **odd\\_name**'))!;
  t.truthy(odd);
  t.true(
    odd.includes(
      '100% of {braces} & #hash \\| pipe \\*star\\* &lt;b>tag&lt;/b> ~tilde^ back\\\\slash $dollar',
    ),
  );
  t.regex(text, /^- ᵃ nervaluate strict: /m);
  t.regex(text, /^- ᶜ seqeval, skills only: /m);
  // sd only
  const sdOnly = renderMarkdown(model, { cells: 'sd' });
  t.notRegex(sdOnly, /\d \[\d+\.\d, \d+\.\d\]/);
  t.notRegex(sdOnly, /CI of the seed-pooled F1 in brackets/);
});

test('LaTeX: booktabs, escaped text, protocol footnotes, markers in math mode', (t) => {
  const { store } = awkwardStore(t);
  const model = buildReportModel(store, { bootstrap: 200, cacheDir: false, now: new Date(0) });
  const tex = renderLatex(model, { cells: 'sd' });
  t.regex(tex, /\\begin\{table\*\}\[t\]/);
  t.regex(
    tex,
    /\\toprule\nMethod & Parameters & Skill span F1 & Knowledge span F1 & Total span F1 & Training \\& Inference & vs\.\\ best \\\\\n\\midrule/,
  );
  t.regex(tex, /\\bottomrule\n\\end\{tabular\}/);
  t.true(
    tex.includes(
      'Tricky text: 100\\% of \\{braces\\} \\& \\#hash | pipe *star* \\textless{}b\\textgreater{}tag\\textless{}/b\\textgreater{} \\textasciitilde{}tilde\\textasciicircum{} back\\textbackslash{}slash \\$dollar',
    ),
  );
  t.true(tex.includes('odd\\_name (reproduced, 2 seeds\\textsuperscript{a})'));
  t.regex(tex, /\$\\blacktriangledown\$ p = /);
  t.regex(tex, /\\textbf\{\d+\.\d \$\\pm\$ \d+\.\d\}/, "the best row's total is bold");
  t.regex(tex, /\\textsuperscript\{a\}~nervaluate strict: /);
  t.regex(tex, /\\textsuperscript\{b\}~nereval strict combined: /);
  // every table row has 7 cells
  const body = tex.slice(tex.indexOf('\\midrule'), tex.indexOf('\\bottomrule'));
  for (const line of body.split('\n').filter((l) => l.endsWith('\\\\') && !l.startsWith('\\multicolumn'))) {
    t.is(line.split(/(?<!\\)&/).length, 7, line);
  }
  // below the two comment lines, no unescaped % (it would comment out the rest of a line)
  for (const line of tex.split('\n').slice(2)) t.notRegex(line, /(?<!\\)%/, line);
});
