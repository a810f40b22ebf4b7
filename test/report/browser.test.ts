/**
 * Opens the generated report in Debian's Chromium (never a downloaded browser) from a file:// URL:
 * checks the leaderboard against the store, uses the explorer's filters, records every request the
 * page makes (none may leave file://), and saves a screenshot and a PDF print to test/artifacts/.
 * UPDATE_SCREENSHOT=1 also writes docs/report-screenshot.png.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import test from 'ava';
import { chromium } from 'playwright-core';
import { loadDataset } from '../../harness/data/datasets.ts';
import { analyzeErrors, classifySpans } from '../../harness/eval/error-analysis.ts';
import { writeReportFile } from '../../harness/report/write-report.ts';
import { projectPath } from '../../harness/util/paths.ts';
import { table2Store } from './fixtures/temp-store.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = projectPath('test', 'artifacts');
const haveChromium = existsSync(CHROMIUM);
const browserTest = haveChromium ? test : test.skip;
const title = (name: string) =>
  haveChromium ? name : `${name} (skipped: ${CHROMIUM} is missing; apt-get install -y chromium)`;

function meanSd(values: number[]): string {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  if (values.length === 1) return (100 * mean).toFixed(1);
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));
  return `${(100 * mean).toFixed(1)} ± ${(100 * sd).toFixed(1)}`;
}

browserTest(
  title('the report in Chromium: numbers match the store, the explorer filters, no request leaves the file'),
  async (t) => {
    const { store, path, dir } = table2Store(t);
    const written = writeReportFile({
      storePath: path,
      out: join(dir, 'out', 'index.html'),
      bootstrap: 1000,
      seed: 1,
      title: 'skillbench report: test fixture (synthetic predictions derived from the gold, not real models)',
    });
    const userDataDir = mkdtempSync(join(tmpdir(), 'skillbench-chromium-'));
    t.teardown(() => rmSync(userDataDir, { recursive: true, force: true }));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--headless',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
      viewport: { width: 1400, height: 1000 },
    });
    t.teardown(() => context.close());
    const requests: string[] = [];
    const blocked: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      requests.push(url);
      if (url.startsWith('file:')) return route.continue();
      blocked.push(url);
      return route.abort();
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (request) => {
      if (!requests.includes(request.url())) requests.push(request.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') errors.push(message.text());
    });
    await page.goto(pathToFileURL(written.path).href, { waitUntil: 'load' });

    // ---- the leaderboard against the store ----
    for (const row of written.model.rows.filter((r) => r.reproduced)) {
      const runIds = row.reproduced!.runIds;
      for (const scope of ['SKILL', 'KNOWLEDGE', 'overall']) {
        const metric = `test.nervaluate.${scope}.f1`;
        const values = runIds.map((id) => store.summaryMetrics(id)[metric]);
        const cell = page.locator(`tbody#${row.id} tr.ours td[data-metric="${metric}"]`);
        const text = (await cell.evaluate((element) => element.firstChild?.textContent ?? '')).trim();
        t.is(text, meanSd(values), `${row.label} ${scope}`);
        const value = Number(await cell.getAttribute('data-value'));
        t.true(Math.abs(value - values.reduce((s, v) => s + v, 0) / values.length) < 1e-12);
      }
    }
    const paperTotal = (await page.locator('tbody#row-skill-llm tr.paper td.num').nth(2).textContent()) ?? '';
    t.is(paperTotal.trim(), '64.8', 'published numbers as printed');
    t.regex((await page.locator('tbody#row-skill-llm tr.ours td.marker').textContent()) ?? '', /best/);
    t.regex((await page.locator('tbody#row-lexicon tr.ours td.marker').textContent()) ?? '', /▼ p/);
    t.regex((await page.locator('table.leaderboard caption').textContent()) ?? '', /nervaluate strict/);

    // ---- the explorer: lexicon, tech sentences with a missed gold span ----
    await page.selectOption('#ex-method', { label: 'lexicon (seed 1)' });
    await page.selectOption('#ex-source', { label: 'tech' });
    await page.selectOption('#ex-kind', { label: 'missed' });
    const lexicon = written.model.rows.find((r) => r.id === 'row-lexicon')!.reproduced!;
    const gold = loadDataset('skillspan:test').sentences;
    const analysis = analyzeErrors(gold, store.predictions(lexicon.explorerRunId!, 'test'), {
      examples: Number.POSITIVE_INFINITY,
    });
    const expected = analysis.gold.examples.missed.filter(
      (id) => gold[Number(id.split(':')[1])].source === 'tech',
    );
    t.regex(
      (await page.locator('#ex-page').textContent()) ?? '',
      new RegExp(`\\(${expected.length} sentences\\)`),
    );
    const shown = page.locator('#ex-results article.sentence');
    t.is(await shown.count(), Math.min(20, expected.length));
    const firstId = await shown.first().getAttribute('data-sentence');
    t.is(firstId, expected[0]);
    t.regex((await shown.first().locator('header').textContent()) ?? '', /tech/);
    t.is(await shown.first().locator('.chip.kind-missed').count(), 1);
    // every bracket is coloured and titled by its span's error kind (classifySpans)
    const firstIndex = Number(expected[0].split(':')[1]);
    const kinds = classifySpans(
      gold[firstIndex].spans,
      store.predictions(lexicon.explorerRunId!, 'test')[firstIndex].spans,
    );
    const openKinds = async (layer: number) =>
      (
        await shown
          .first()
          .locator('.layer')
          .nth(layer)
          .locator('.br')
          .evaluateAll((brackets) =>
            brackets
              .filter((bracket) => bracket.textContent === '[')
              .map((bracket) => /kind-(\w+)/.exec(bracket.className)?.[1] ?? ''),
          )
      ).sort();
    t.deepEqual(await openKinds(0), [...kinds.gold].sort());
    t.deepEqual(await openKinds(1), [...kinds.predicted].sort());
    t.regex(
      (await shown
        .first()
        .locator('.layer')
        .first()
        .locator('.br.kind-missed')
        .first()
        .getAttribute('title')) ?? '',
      /^(SKILL|KNOWLEDGE) \d+–\d+: missed$/,
    );
    await page.click('#ex-next');
    t.is(await shown.first().getAttribute('data-sentence'), expected[20]);
    // find one sentence by id
    await page.selectOption('#ex-kind', { label: 'all embedded sentences' });
    await page.fill('#ex-search', expected[3]);
    t.is(await shown.count(), 1);
    t.is(await shown.first().getAttribute('data-sentence'), expected[3]);
    // an example button in the error analysis jumps to its sentence
    await page.locator('#errors .sentence-link').first().click();
    t.is(await shown.count(), 1);

    // ---- nothing left the file ----
    t.deepEqual(blocked, [], 'requests to anything but file://');
    t.true(requests.length >= 1);
    t.true(requests.every((url) => url.startsWith('file:')));
    t.deepEqual(errors, [], 'no script error, no CSP violation');

    // ---- artifacts: screenshots and a PDF print ----
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.fill('#ex-search', '');
    await page.locator('#ex-search').blur();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS, 'report-top.png') });
    if (process.env.UPDATE_SCREENSHOT === '1') {
      await page.screenshot({ path: projectPath('docs', 'report-screenshot.png') });
    }
    await page.screenshot({ path: join(ARTIFACTS, 'report-full.png'), fullPage: true });
    await page.locator('#explorer').screenshot({ path: join(ARTIFACTS, 'report-explorer.png') });
    await page.emulateMedia({ media: 'print' });
    await page.pdf({
      path: join(ARTIFACTS, 'report.pdf'),
      format: 'A4',
      landscape: true,
      printBackground: true,
    });
    t.true(statSync(join(ARTIFACTS, 'report.pdf')).size > 10_000);
    t.true(statSync(join(ARTIFACTS, 'report-top.png')).size > 10_000);
    t.true(written.bytes < 5 * 1024 * 1024, `${written.bytes} bytes`);
  },
);
