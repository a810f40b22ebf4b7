import { join } from 'node:path';
import test from 'ava';
import { loadDataset } from '../../harness/data/datasets.ts';
import { LABELS } from '../../harness/data/types.ts';
import { bootstrapConfidenceIntervals } from '../../harness/eval/bootstrap.ts';
import { classifySpans, SPAN_KINDS } from '../../harness/eval/error-analysis.ts';
import { scoreFiles } from '../../harness/eval/score-files.ts';
import { computeSentenceStats } from '../../harness/eval/sentence-stats.ts';
import { pairedTestFromStats } from '../../harness/eval/significance.ts';
import { buildReportModel } from '../../harness/report/model.ts';
import { analyzeRun, unitGold, unitStats } from '../../harness/report/run-analysis.ts';
import { warmReportCache } from '../../harness/report/warm-cache.ts';
import { exportRunBundle } from '../../harness/runner/export-bundle.ts';
import { addSystem, degradedPredictions } from './fixtures/store-fixture.ts';
import { table2Store } from './fixtures/temp-store.ts';

const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;

test('leaderboard rows: the paper order, published beside reproduced, means of the stored metrics', (t) => {
  const { store } = table2Store(t, { testLimit: 800 });
  const model = buildReportModel(store, { bootstrap: 200, cacheDir: false });
  t.deepEqual(
    model.rows.map((row) => row.id),
    [
      'row-bert-tagger', // claims paper-bert with a `reproduces:` tag
      'row-paper-jobspanbert',
      'row-paper-escoxlm-r',
      'row-paper-gpt35-ner',
      'row-paper-gpt35-extract',
      'row-gpt4-prompt', // claims paper-gpt4 but every run was skipped
      'row-paper-nnose',
      'row-gliner', // claims paper-gliner by name
      'row-skill-llm',
      'row-lexicon', // not in the paper: after its rows
    ],
  );
  const bert = model.rows[0];
  t.is(bert.published?.experiment, 'paper-bert');
  t.is(bert.published?.f1.overall, 57.7);
  for (const row of model.rows.filter((r) => r.reproduced)) {
    const totals = row.reproduced!.runIds.map((id) => store.summaryMetrics(id)['test.nervaluate.overall.f1']);
    t.is(row.reproduced!.scopes.overall!.mean, mean(totals), row.label);
    t.deepEqual(row.reproduced!.scopes.overall!.values, totals);
  }
  const gpt4 = model.rows.find((row) => row.id === 'row-gpt4-prompt')!;
  t.is(gpt4.reproduced, undefined);
  t.regex(gpt4.notes.join(' '), /skipped.*OPENAI_BASE_URL/);
  t.true(model.otherRuns.some((run) => run.experiment === 'gpt4-prompt' && run.status === 'skipped'));
  // Δ under the paper's protocol: bert's paper used nereval
  const delta = bert.comparisons.find((c) => c.scope === 'overall')!;
  const nereval = mean(
    bert.reproduced!.runIds.map((id) => store.summaryMetrics(id)['test.nereval.overall.f1']),
  );
  t.is(delta.protocol, 'nereval');
  t.true(Math.abs(delta.delta! - (100 * nereval - 57.7)) < 1e-9);
});

test('a configuration is selected on dev, never on test', (t) => {
  const { store } = table2Store(t, { testLimit: 400 });
  const model = buildReportModel(store, { bootstrap: 0, cacheDir: false });
  const lexicon = model.configurations.filter((c) => c.experiment === 'lexicon');
  t.is(lexicon.length, 2);
  const selected = lexicon.find((c) => c.selected)!;
  const other = lexicon.find((c) => !c.selected)!;
  t.true(selected.devTotal!.mean > other.devTotal!.mean);
  t.regex(model.rows.find((row) => row.id === 'row-lexicon')!.reproduced!.selection!, /dev/);
});

test('intervals and tests on unit sums equal those on the full per-sentence statistics', (t) => {
  const { sentences } = loadDataset('skillspan:test');
  const gold = sentences.slice(0, 1500);
  const a = degradedPredictions(gold, { drop: 0.3, shift: 0.1, relabel: 0.05, spurious: 0.05 }, 1, 11);
  const b = degradedPredictions(gold, { drop: 0.25, shift: 0.1, relabel: 0.05, spurious: 0.05 }, 1, 12);
  const statsA = computeSentenceStats(gold, a);
  const statsB = computeSentenceStats(gold, b);
  const options = { resamples: 300, seed: 5, unit: 'document' as const };
  const full = bootstrapConfidenceIntervals(statsA, gold, {
    ...options,
    metrics: ['nervaluate.overall.strict.f1'],
  });
  const { store } = table2Store(t, { testLimit: 10 }); // any store: analyzeRun reads predictions from one
  store.upsertExperiment({ name: 'units', method: 'x' });
  const run = (predictions: typeof a, key: string) => {
    const record = store.ensureRun({
      key,
      experiment: 'units',
      file: 'x.yaml',
      method: 'x',
      methodVersion: '1',
      params: {},
      sweepPoint: {},
      seed: 1,
      dataset: { test: { ref: 'skillspan:test', hash: 'h', limit: 1500 } },
      tags: [],
    });
    store.savePredictions(record.id, 'test', predictions, new Map(gold.map((s, i) => [s.id, i])));
    const analysis = analyzeRun(store, record, gold, {}, 'document');
    if (typeof analysis === 'string') throw new Error(analysis);
    return unitStats(analysis.analysis);
  };
  const unitsA = run(a, 'ua');
  const unitsB = run(b, 'ub');
  const collapsed = bootstrapConfidenceIntervals(unitsA, unitGold(unitsA.sentences), {
    ...options,
    unit: 'sentence',
    metrics: ['nervaluate.overall.strict.f1'],
  });
  t.deepEqual(collapsed.f1, full.f1);
  const testFull = pairedTestFromStats(statsA, statsB, gold, { ...options, resamples: 200 });
  const testUnits = pairedTestFromStats(unitsA, unitsB, unitGold(unitsA.sentences), {
    ...options,
    unit: 'sentence',
    resamples: 200,
  });
  t.is(testUnits.p_value, testFull.p_value);
  t.is(testUnits.difference, testFull.difference);
});

test('significance: the best row, a clearly worse row, and a copy of the best that is not significantly different', (t) => {
  const { store } = table2Store(t, { testLimit: 1200 });
  // a row whose single run has exactly the predictions (and metrics) of the best row's first seed
  const best = store.listRuns({ experiment: 'skill-llm' });
  addSystem(store, {
    experiment: 'copy-of-best',
    method: 'copy',
    seeds: [1],
    degradation: { drop: 0, shift: 0, relabel: 0, spurious: 0 },
    testLimit: 1200,
  });
  const copy = store.listRuns({ experiment: 'copy-of-best' })[0];
  const predictions = store.predictions(best[0].id, 'test');
  const gold = loadDataset('skillspan:test').sentences.slice(0, 1200);
  store.savePredictions(copy.id, 'test', predictions, new Map(gold.map((s, i) => [s.id, i])));
  store.clearSummaryMetrics(copy.id);
  store.logMetrics(
    copy.id,
    Object.entries(store.summaryMetrics(best[0].id)).map(([name, value]) => ({ name, value, timestamp: 1 })),
  );
  const model = buildReportModel(store, { bootstrap: 300, cacheDir: false });
  const row = (id: string) => model.rows.find((r) => r.id === id)!;
  t.is(row('row-skill-llm').significance?.role, 'best');
  t.is(row('row-lexicon').significance?.direction, 'worse');
  t.true(row('row-lexicon').significance!.significant!);
  const copyRow = row('row-copy-of-best');
  t.is(copyRow.significance?.role, 'compared');
  t.false(copyRow.significance!.significant!);
  t.true(copyRow.significance!.adjustedP! >= copyRow.significance!.pooled!.pValue);
  t.is(
    copyRow.significance!.perSeed.length,
    1,
    "seed-by-seed: one pair (one seed against the best row's first)",
  );
});

test('a stored metric that disagrees with the stored predictions is reported, not hidden', (t) => {
  const { store } = table2Store(t, { testLimit: 300 });
  const run = store.listRuns({ experiment: 'gliner' })[0];
  store.logMetrics(run.id, [{ name: 'test.nervaluate.overall.f1', value: 0.99, timestamp: 2 }]);
  const model = buildReportModel(store, { bootstrap: 0, cacheDir: false });
  const manifest = model.rows.find((r) => r.id === 'row-gliner')!.manifest.find((m) => m.id === run.id)!;
  t.regex(
    manifest.warnings.join('\n'),
    /test\.nervaluate\.overall\.f1 is stored as 99\.00 but the stored predictions re-score to/,
  );
});

test('the analysis cache gives the same model and is used the second time', (t) => {
  const { store, dir } = table2Store(t, { testLimit: 500 });
  const cacheDir = `${dir}/cache`;
  const first = buildReportModel(store, { bootstrap: 100, cacheDir, now: new Date(0) });
  const second = buildReportModel(store, { bootstrap: 100, cacheDir, now: new Date(0) });
  t.true(first.timings['cache misses'] > 0);
  t.true(second.timings['cache hits'] > 0);
  t.is(second.timings['cache misses'], 0);
  t.deepEqual({ ...second, timings: {} }, { ...first, timings: {} });
});

test('warming the cache after runs leaves the report only the per-row statistics to compute', (t) => {
  const { store, dir } = table2Store(t, { testLimit: 500 });
  const cacheDir = `${dir}/warm-cache`;
  const finished = store.listRuns({ status: 'finished' }).map((run) => run.id);
  const warmed = warmReportCache(store, finished, { cacheDir });
  t.deepEqual(warmed.problems, []);
  t.is(warmed.analysed, finished.length);
  const model = buildReportModel(store, { bootstrap: 100, cacheDir });
  const rows = model.rows.filter((row) => row.reproduced).length;
  const leaderboardRuns = model.rows.reduce((sum, row) => sum + (row.reproduced?.runIds.length ?? 0), 0);
  t.is(
    model.timings['cache hits'],
    leaderboardRuns + rows,
    'run analyses and explorer columns all from the cache',
  );
  t.is(model.timings['cache misses'], rows, 'one per row: intervals and tests');
});

test('the explorer colours each span by its error kind: classifySpans on the run it shows', (t) => {
  const { store } = table2Store(t, { testLimit: 600 });
  const model = buildReportModel(store, { bootstrap: 0, cacheDir: false });
  const data = JSON.parse(model.explorer!.json.replace(/\\u003c/g, '<'));
  const gold = loadDataset('skillspan:test').sentences.slice(0, 600);
  const byId = new Map(gold.map((sentence, i) => [sentence.id, i]));
  t.deepEqual(data.spanKinds, [...SPAN_KINDS]);
  let spans = 0;
  data.methods.forEach((method: { run: number }, m: number) => {
    const predictions = store.predictions(method.run, 'test');
    data.sentences.forEach((row: [string, number, number, string[], number[]], k: number) => {
      const i = byId.get(row[0])!;
      const kinds = classifySpans(gold[i].spans, predictions[i].spans);
      const flat: number[] = data.pred[m][k] || [];
      const quads = Array.from({ length: flat.length / 4 }, (_, q) => flat.slice(4 * q, 4 * q + 4));
      t.deepEqual(
        quads.map(([label, start, end]) => ({ label: LABELS[label], start, end })),
        predictions[i].spans,
      );
      t.deepEqual(
        quads.map((quad) => data.spanKinds[quad[3]]),
        kinds.predicted,
      );
      const goldKinds: string = data.goldKinds[m][k] || '';
      t.deepEqual(
        [...goldKinds].map((digit) => data.spanKinds[Number(digit)]),
        kinds.gold,
      );
      spans += quads.length + goldKinds.length;
    });
  });
  t.true(spans > 1000);
});

test('the re-score commands are what `runs export` writes: gold and predictions inside the bundle', (t) => {
  const { store, dir } = table2Store(t, { testLimit: 300 });
  const model = buildReportModel(store, { bootstrap: 100, cacheDir: false, storePath: 'runs.db' });
  const manifest = model.rows.find((row) => row.id === 'row-gliner')!.manifest[0];
  t.is(
    manifest.exportCommand,
    `skillbench runs export ${manifest.id} --out bundles/run-${manifest.id} --store runs.db`,
  );
  t.is(
    manifest.rescoreCommand,
    `cd bundles/run-${manifest.id} && skillbench score --gold gold/test.jsonl --pred predictions/test.jsonl --bootstrap 100 --resample sentence`,
  );
  t.notRegex(manifest.rescoreCommand, /skillspan:/);
  // the files it names are in the bundle, and they score to the stored numbers
  const bundle = join(dir, `bundles/run-${manifest.id}`);
  const written = exportRunBundle(store, store.getRun(manifest.id)!, bundle);
  t.true(written.includes('gold/test.jsonl') && written.includes('predictions/test.jsonl'));
  const report = scoreFiles(join(bundle, 'gold/test.jsonl'), join(bundle, 'predictions/test.jsonl'));
  t.is(
    report.protocols.nervaluate.overall.strict.f1,
    store.summaryMetrics(manifest.id)['test.nervaluate.overall.f1'],
  );
});
