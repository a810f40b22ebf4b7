import test from 'ava';
import { buildReportModel } from '../../harness/report/model.ts';
import { renderHtml } from '../../harness/report/render-html.ts';
import { table2Store } from './fixtures/temp-store.ts';

test('the HTML is self-contained: no URL of any scheme, no external resource element, a CSP that forbids loads', (t) => {
  const { store } = table2Store(t, { testLimit: 700, devLimit: 100 });
  const html = renderHtml(buildReportModel(store, { bootstrap: 100, cacheDir: false }));
  t.notRegex(html, /https?:/i, 'no http(s) anywhere, not even in text');
  t.notRegex(
    html,
    /\s(?:src|srcset|poster|data|action|formaction|xlink:href)\s*=\s*["']/i,
    'no resource attributes',
  );
  const hrefs = [...html.matchAll(/\bhref\s*=\s*"([^"]*)"/gi)].map((m) => m[1]);
  t.true(hrefs.length > 0);
  for (const href of hrefs) t.regex(href, /^#[\w-]+$/, `only in-page anchors: ${href}`);
  t.notRegex(html, /url\s*\(/i, 'no url() in styles');
  t.notRegex(html, /@import|<link\b|<img\b|<iframe\b|<object\b|<embed\b|<audio\b|<video\b|<source\b/i);
  t.notRegex(
    html,
    /\bfetch\(|XMLHttpRequest|WebSocket|EventSource|import\(/,
    'the script never talks to a network',
  );
  t.regex(
    html,
    /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">/,
  );
  // the explorer's JSON cannot end its script element early
  const open = '<script type="application/json" id="explorer-data">';
  const data = html.slice(html.indexOf(open) + open.length);
  t.false(data.slice(0, data.indexOf('</script>')).includes('<'));
});

test('every section is there, printable, with inline SVG charts', (t) => {
  const { store } = table2Store(t, { testLimit: 700, devLimit: 100 });
  const html = renderHtml(buildReportModel(store, { bootstrap: 100, cacheDir: false }));
  for (const id of [
    'leaderboard',
    'reading',
    'protocols',
    'breakdown',
    'errors',
    'curves',
    'cost',
    'explorer',
    'runs',
    'manifests',
  ]) {
    t.regex(html, new RegExp(`<section id="${id}">`), id);
  }
  t.regex(html, /@media print/);
  t.true(
    (html.match(/<svg class="chart /g) ?? []).length >= 6,
    'leaderboard, protocol, two error charts, curves',
  );
  t.regex(html, /skillbench runs export \d+ --out bundles\/run-\d+/);
  t.regex(
    html,
    /cd bundles\/run-\d+ &amp;&amp; skillbench score --gold gold\/test\.jsonl --pred predictions\/test\.jsonl --bootstrap 100 --resample sentence/,
  );
});
