/**
 * The fast statistics (typed columns, prepared gold, rows only for sentences with spans, shared
 * draws, column sums reused across intervals and tests) against plain re-statements of the rules
 * (objects, sets, one BIO array per sentence, every column of every resample), on random corpora:
 * every number must be identical, not merely close.
 */
import test from 'ava';
import fc from 'fast-check';
import { loadDataset } from '../../harness/data/datasets.ts';
import {
  type BioLayers,
  type BioTag,
  LABELS,
  type Prediction,
  type Sentence,
  type Span,
} from '../../harness/data/types.ts';
import {
  bioColumns,
  emptyBioColumns,
  layersOf,
  tokenOffsets,
  writeSpans,
} from '../../harness/eval/bio-columns.ts';
import { bootstrapConfidenceIntervals, quantile } from '../../harness/eval/bootstrap.ts';
import { F1_METRIC_NAMES, f1Metric } from '../../harness/eval/f1-metrics.ts';
import { mulberry32 } from '../../harness/eval/prng.ts';
import { resamplingBlocks } from '../../harness/eval/resampling.ts';
import { scoreAll } from '../../harness/eval/score.ts';
import {
  computeSentenceStats,
  PROTOCOL_NAMES,
  prepareGold,
  rowIndex,
  type SentenceStats,
  STAT_COUNT,
  STAT_OFFSETS,
  sumRows,
} from '../../harness/eval/sentence-stats.ts';
import { pairedTestFromStats } from '../../harness/eval/significance.ts';
import { spanTable } from '../../harness/eval/span-table.ts';
import { readPredictionFile } from '../../harness/predictions/read.ts';
import { spansToBio } from '../../harness/spans/bio.ts';
import { projectPath } from '../../harness/util/paths.ts';

// ---- plain re-statements of the rules (fixtures/eval-vectors/PROTOCOLS.md) ----

const OUTCOMES = 5;
const SCHEMAS = 4;

/** nervaluate 0.2.0 on one sentence, as objects (inclusive ends). */
function referenceNervaluate(
  gold: readonly Span[],
  pred: readonly Span[],
  out: Float64Array,
  offset: number,
) {
  if (gold.length === 0 && pred.length === 0) return;
  const inclusive = (s: Span) => ({ label: s.label, start: s.start, end: s.end - 1 });
  const golds = gold.map(inclusive).sort((a, b) => a.start - b.start);
  const preds = pred.map(inclusive).sort((a, b) => a.end - b.end);
  const same = (a: Span, b: Span) => a.start === b.start && a.end === b.end && a.label === b.label;
  const canonical = golds.map((g, i) => golds.findIndex((other, j) => j <= i && same(other, g)));
  const marked = golds.map(() => false);
  const add = (label: string, schema: number, outcome: number) => {
    out[offset + schema * OUTCOMES + outcome]++;
    out[offset + ((1 + LABELS.indexOf(label as never)) * SCHEMAS + schema) * OUTCOMES + outcome]++;
  };
  const all = (label: string, outcome: number) => {
    for (let schema = 0; schema < SCHEMAS; schema++) add(label, schema, outcome);
  };
  for (const p of preds) {
    const exact = golds.findIndex((g) => same(g, p));
    if (exact >= 0) {
      marked[canonical[exact]] = true;
      all(p.label, 0);
      continue;
    }
    let found = false;
    for (let i = 0; i < golds.length; i++) {
      const g = golds[i];
      if (p.end < g.start) break;
      if (g.start === p.start && g.end === p.end && g.label !== p.label) {
        add(g.label, 0, 1);
        add(g.label, 3, 1);
        add(g.label, 2, 0);
        add(g.label, 1, 0);
        marked[canonical[i]] = true;
        found = true;
        break;
      }
      if (p.start <= g.end && g.start <= p.end && !marked[canonical[i]]) {
        marked[canonical[i]] = true;
        add(g.label, 0, 1);
        add(g.label, 3, g.label === p.label ? 0 : 1);
        add(g.label, 2, 2);
        add(g.label, 1, 1);
        found = true;
      }
    }
    if (!found) all(p.label, 4);
  }
  golds.forEach((g, i) => {
    if (!marked[canonical[i]]) all(g.label, 3);
  });
}

/** Set F1 on one sentence, with string sets. */
function referenceSet(gold: readonly Span[], pred: readonly Span[], out: Float64Array, offset: number) {
  LABELS.forEach((label, i) => {
    const keys = (spans: readonly Span[]) =>
      new Set(spans.filter((s) => s.label === label).map((s) => `${s.start}:${s.end}`));
    const g = keys(gold);
    const p = keys(pred);
    const tp = [...p].filter((key) => g.has(key)).length;
    out[offset + i * 3] += tp;
    out[offset + i * 3 + 1] += p.size - tp;
    out[offset + i * 3 + 2] += g.size - tp;
  });
}

/** nereval.perl over the whole corpus, one BioTag array per sentence (the script's loop). */
function referenceNereval(gold: BioLayers[], guessed: BioLayers[], out: Float64Array, offset: number) {
  LABELS.forEach((label, level) => {
    let lastGold: BioTag = 'O';
    let lastGuessed: BioTag = 'O';
    let inCorrect = false;
    let startSentence = -1;
    const ends = (previous: BioTag, current: BioTag) => previous !== 'O' && current !== 'I';
    const starts = (previous: BioTag, current: BioTag) =>
      current === 'B' || (previous === 'O' && current === 'I');
    const type = (tag: BioTag) => (tag === 'O' ? 0 : 1);
    gold.forEach((layers, s) => {
      layers[label].forEach((g, t) => {
        const p = guessed[s][label][t];
        const row = s * STAT_COUNT + offset + level * 3;
        if (inCorrect) {
          const goldEnds = ends(lastGold, g);
          const guessedEnds = ends(lastGuessed, p);
          if (goldEnds && guessedEnds) {
            inCorrect = false;
            out[startSentence * STAT_COUNT + offset + level * 3]++;
          } else if (goldEnds !== guessedEnds || type(g) !== type(p)) inCorrect = false;
        }
        if (starts(lastGold, g) && starts(lastGuessed, p) && type(g) === type(p)) {
          inCorrect = true;
          startSentence = s;
        }
        if (starts(lastGold, g)) out[row + 2]++;
        if (starts(lastGuessed, p)) out[row + 1]++;
        lastGold = g;
        lastGuessed = p;
      });
    });
  });
}

const layersFromSpans = (spans: readonly Span[], length: number): BioLayers =>
  Object.fromEntries(
    LABELS.map((label) => [
      label,
      spansToBio(
        spans.filter((s) => s.label === label),
        length,
      ).tags,
    ]),
  ) as BioLayers;

/** Dense rows, one per sentence, by the reference rules. */
function referenceRows(gold: readonly Sentence[], predictions: readonly Prediction[]): Float64Array {
  const rows = new Float64Array(gold.length * STAT_COUNT);
  gold.forEach((sentence, i) => {
    referenceNervaluate(sentence.spans, predictions[i].spans, rows, i * STAT_COUNT + STAT_OFFSETS.nervaluate);
    referenceSet(sentence.spans, predictions[i].spans, rows, i * STAT_COUNT + STAT_OFFSETS.set);
  });
  referenceNereval(
    gold.map((s) => layersFromSpans(s.spans, s.tokens.length)),
    predictions.map((p, i) => p.bio ?? layersFromSpans(p.spans, gold[i].tokens.length)),
    rows,
    STAT_OFFSETS.nereval,
  );
  return rows;
}

/** The fast statistics as dense rows (rows of sentences without one are 0). */
function denseRows(stats: SentenceStats): Float64Array {
  const dense = new Float64Array(stats.sentences * STAT_COUNT);
  const rowOf = rowIndex(stats);
  for (let s = 0; s < stats.sentences; s++) {
    if (rowOf[s] >= 0)
      dense.set(stats.rows.subarray(rowOf[s] * STAT_COUNT, (rowOf[s] + 1) * STAT_COUNT), s * STAT_COUNT);
  }
  return dense;
}

// ---- random corpora ----

const spanArbitrary = (length: number) =>
  fc
    .record({
      label: fc.constantFrom(...LABELS),
      start: fc.integer({ min: 0, max: length - 1 }),
      size: fc.integer({ min: 1, max: 4 }),
    })
    .map(({ label, start, size }): Span => ({ label, start, end: Math.min(length, start + size) }));

const tagArbitrary = fc.constantFrom<BioTag>('B', 'I', 'O', 'O');

const corpusArbitrary = fc
  .array(
    fc.integer({ min: 1, max: 9 }).chain((length) =>
      fc.record({
        length: fc.constant(length),
        gold: fc.array(spanArbitrary(length), { maxLength: 3 }),
        pred: fc.array(spanArbitrary(length), { maxLength: 4 }),
        bio: fc.option(
          fc.record({
            SKILL: fc.array(tagArbitrary, { minLength: length, maxLength: length }),
            KNOWLEDGE: fc.array(tagArbitrary, { minLength: length, maxLength: length }),
          }),
          { freq: 6 },
        ),
        empty: fc.boolean(),
        doc: fc.integer({ min: 0, max: 2 }),
      }),
    ),
    { minLength: 1, maxLength: 14 },
  )
  .map((items) => {
    const gold: Sentence[] = items.map((item, i) => ({
      id: `r:${i}`,
      docId: item.doc,
      tokens: Array.from({ length: item.length }, (_, t) => `w${t}`),
      source: i % 3 ? 'house' : 'tech',
      // some sentences without spans on either side (they get no row)
      spans: item.empty ? [] : item.gold,
    }));
    const predictions: Prediction[] = items.map((item, i) => {
      const prediction: Prediction = { id: `r:${i}`, spans: item.empty ? [] : item.pred };
      if (item.bio && !item.empty) prediction.bio = item.bio as BioLayers;
      return prediction;
    });
    return { gold, predictions };
  });

test('property: the statistics equal the plain rules, sentence by sentence', (t) => {
  fc.assert(
    fc.property(corpusArbitrary, ({ gold, predictions }) => {
      const stats = computeSentenceStats(gold, predictions);
      t.deepEqual([...denseRows(stats)], [...referenceRows(gold, predictions)]);
      // a prepared gold gives the same, and so does each protocol computed alone
      const prepared = prepareGold(gold);
      t.deepEqual([...computeSentenceStats(prepared, predictions).rows], [...stats.rows]);
      for (const protocol of PROTOCOL_NAMES) {
        const alone = computeSentenceStats(prepared, predictions, { protocols: [protocol] });
        const from = STAT_OFFSETS[protocol];
        const to = from + (protocol === 'nervaluate' ? 60 : 6);
        const full = sumRows(stats);
        const only = sumRows(alone);
        t.deepEqual([...only.subarray(from, to)], [...full.subarray(from, to)]);
        t.is(
          only.reduce((sum, value) => sum + value, 0),
          full.subarray(from, to).reduce((a, b) => a + b, 0),
        );
      }
    }),
    { numRuns: 300 },
  );
});

test('property: per-source scores equal scoring each source alone as its own file', (t) => {
  fc.assert(
    fc.property(corpusArbitrary, ({ gold, predictions }) => {
      const report = scoreAll(gold, predictions);
      for (const source of Object.keys(report.by_source)) {
        const keep = gold.flatMap((s, i) => (s.source === source ? [i] : []));
        const alone = scoreAll(
          keep.map((i) => gold[i]),
          keep.map((i) => predictions[i]),
        );
        t.deepEqual(report.by_source[source], alone.protocols);
      }
    }),
    { numRuns: 150 },
  );
});

test('property: spans are written as BIO exactly as spansToBio writes them', (t) => {
  fc.assert(
    fc.property(
      fc
        .integer({ min: 1, max: 12 })
        .chain((length) => fc.tuple(fc.constant(length), fc.array(spanArbitrary(length), { maxLength: 8 }))),
      ([length, spans]) => {
        const columns = emptyBioColumns(tokenOffsets([length]));
        const tally = { dropped: 0, duplicates: 0 };
        const table = spanTable([{ spans }]);
        for (let level = 0; level < LABELS.length; level++) writeSpans(columns, 0, level, table, 0, tally);
        const expected = layersFromSpans(spans, length);
        t.deepEqual(layersOf(columns, 0), expected);
        t.deepEqual(layersOf(bioColumns([expected]), 0), expected);
        let dropped = 0;
        let duplicates = 0;
        for (const label of LABELS) {
          const encoded = spansToBio(
            spans.filter((s) => s.label === label),
            length,
          );
          dropped += encoded.dropped.length;
          duplicates += encoded.duplicates.length;
        }
        t.deepEqual(tally, { dropped, duplicates });
      },
    ),
  );
});

// ---- resampling: every column of every resample, drawn afresh each time ----

function referenceDraws(units: number, resamples: number, seed: number): Int32Array[] {
  const random = mulberry32(seed);
  return Array.from({ length: resamples }, () => {
    const drawn = new Int32Array(units);
    for (let k = 0; k < units; k++) drawn[random.int(units)]++;
    return drawn;
  });
}

function referenceTotals(dense: Float64Array, blocks: Int32Array, drawn: Int32Array): Float64Array {
  const totals = new Float64Array(STAT_COUNT);
  for (let b = 0; b + 1 < blocks.length; b++) {
    if (drawn[b] === 0) continue;
    for (let s = blocks[b]; s < blocks[b + 1]; s++) {
      for (let j = 0; j < STAT_COUNT; j++) totals[j] += drawn[b] * dense[s * STAT_COUNT + j];
    }
  }
  return totals;
}

test('property: intervals and paired bootstrap tests equal resampling every column afresh', (t) => {
  fc.assert(
    fc.property(
      corpusArbitrary,
      corpusArbitrary,
      fc.constantFrom('sentence' as const, 'document' as const),
      fc.integer({ min: 0, max: 1000 }),
      (first, second, unit, seed) => {
        const gold = first.gold;
        const other = gold
          .map((_, i) => second.predictions[i % second.predictions.length])
          .map((p, i) => ({
            id: gold[i].id,
            spans: p.spans.filter((span) => span.end <= gold[i].tokens.length),
          }));
        const statsA = computeSentenceStats(gold, first.predictions);
        const statsB = computeSentenceStats(gold, other);
        const blocks = resamplingBlocks(gold, unit);
        const resamples = 60;
        const draws = referenceDraws(blocks.length - 1, resamples, seed);
        const denseA = denseRows(statsA);
        const denseB = denseRows(statsB);
        const names = ['nervaluate.overall.strict.f1', 'nereval.skill_outer.f1', 'set.macro_f1'];
        const ci = bootstrapConfidenceIntervals(statsA, gold, { resamples, seed, unit, metrics: names });
        for (const name of names) {
          const { compute } = f1Metric(name);
          const sorted = Float64Array.from(draws, (drawn) =>
            compute(referenceTotals(denseA, blocks, drawn)),
          ).sort();
          // (1 - 0.95) / 2, as the bootstrap computes it (not quite 0.025 in floating point)
          const alpha = 1 - 0.95;
          t.is(ci.f1[name].lower, quantile(sorted, alpha / 2));
          t.is(ci.f1[name].upper, quantile(sorted, 1 - alpha / 2));
        }
        for (const metric of [F1_METRIC_NAMES[0], 'nereval.strict_combined.f1', 'set.overall.f1']) {
          const { compute } = f1Metric(metric);
          const observed = compute(sumRows(statsA)) - compute(sumRows(statsB));
          let extreme = 0;
          for (const drawn of draws) {
            const delta =
              compute(referenceTotals(denseA, blocks, drawn)) -
              compute(referenceTotals(denseB, blocks, drawn));
            if (Math.abs(delta - observed) >= Math.abs(observed) - 1e-12) extreme++;
          }
          const result = pairedTestFromStats(statsA, statsB, gold, { metric, resamples, seed, unit });
          t.is(result.p_value, (1 + extreme) / (1 + resamples));
          t.is(result.difference, observed);
        }
      },
    ),
    { numRuns: 60 },
  );
});

test('draws too many to keep (3569 sentences x 1200 resamples) are drawn one resample at a time, to the same numbers', (t) => {
  const { sentences } = loadDataset('skillspan:test');
  const predictions = readPredictionFile(
    projectPath('fixtures', 'eval-vectors', 'skillspan-test', '03_boundary_shift.pred.jsonl'),
    sentences,
  );
  const stats = computeSentenceStats(sentences, predictions);
  const dense = denseRows(stats);
  const resamples = 1200;
  const name = 'nervaluate.overall.strict.f1';
  const { compute, columns } = f1Metric(name);
  const ci = bootstrapConfidenceIntervals(stats, sentences, { resamples, seed: 5, metrics: [name] });
  const totals = new Float64Array(STAT_COUNT);
  const sorted = Float64Array.from(referenceDraws(sentences.length, resamples, 5), (drawn) => {
    totals.fill(0);
    for (let s = 0; s < drawn.length; s++) {
      if (drawn[s] === 0) continue;
      for (const column of columns) totals[column] += drawn[s] * dense[s * STAT_COUNT + column];
    }
    return compute(totals);
  }).sort();
  const alpha = 1 - 0.95;
  t.is(ci.f1[name].lower, quantile(sorted, alpha / 2));
  t.is(ci.f1[name].upper, quantile(sorted, 1 - alpha / 2));
});
