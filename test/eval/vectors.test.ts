/**
 * Every vector in fixtures/eval-vectors is reproduced (data-driven: a new *.expected.json file is a
 * new test). nervaluate and set values to 1e-9, nereval to the 2 decimals the perl script prints
 * plus its exact tp/fp/fn, per source where the expected file has per-source blocks.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { loadDataset } from '../../harness/data/datasets.ts';
import { LABELS, type Prediction, type Sentence } from '../../harness/data/types.ts';
import { nerevalPrintedPercentages, printf2 } from '../../harness/eval/nereval.ts';
import { scoreAll, scoreProtocols } from '../../harness/eval/score.ts';
import type { CountScore, NerevalResult, NervaluateScore } from '../../harness/eval/types.ts';
import { NERVALUATE_SCHEMAS } from '../../harness/eval/types.ts';
import { readPredictionFile } from '../../harness/predictions/read.ts';
import { projectPath } from '../../harness/util/paths.ts';

const VECTORS = projectPath('fixtures', 'eval-vectors');
const TOLERANCE = 1e-9;

// biome-ignore lint/suspicious/noExplicitAny: the expected files are plain JSON read as-is
type Json = any;

interface Vector {
  folder: string;
  name: string;
  expected: Json;
}

function vectors(): Vector[] {
  return ['skillspan-test', 'micro'].flatMap((folder) =>
    readdirSync(join(VECTORS, folder))
      .filter((file) => file.endsWith('.expected.json'))
      .sort()
      .map((file) => ({
        folder,
        name: file.replace(/\.expected\.json$/, ''),
        expected: JSON.parse(readFileSync(join(VECTORS, folder, file), 'utf8')),
      })),
  );
}

/** The gold named by the expected file: `skillspan:test` or a file next to it. */
function goldOf(vector: Vector): { sentences: Sentence[]; path: string } {
  const spec: string = vector.expected.gold.spec;
  const { sentences, dataset } = loadDataset(
    spec.startsWith('skillspan:') ? spec : join(VECTORS, vector.folder, spec),
  );
  return { sentences, path: dataset.path };
}

/** The prediction file next to the expected file; 00_gold_self scores the gold file (BIO) itself. */
function predictionsOf(vector: Vector, gold: { sentences: Sentence[]; path: string }): Prediction[] {
  const file = join(VECTORS, vector.folder, `${vector.name}.pred.jsonl`);
  if (existsSync(file)) return readPredictionFile(file, gold.sentences);
  if (vector.expected.pred.spec === vector.expected.gold.spec)
    return readPredictionFile(gold.path, gold.sentences);
  throw new Error(`${vector.name}: no prediction file`);
}

function near(t: ExecutionContext, actual: number, expected: number, what: string): void {
  t.true(Math.abs(actual - expected) <= TOLERANCE, `${what}: ${actual} != ${expected}`);
}

function nervaluateScoreMatches(
  t: ExecutionContext,
  actual: NervaluateScore,
  expected: Json,
  what: string,
): void {
  for (const key of Object.keys(expected))
    near(t, actual[key as keyof NervaluateScore], expected[key], `${what}.${key}`);
}

function countScoreMatches(t: ExecutionContext, actual: CountScore, expected: Json, what: string): void {
  for (const key of ['tp', 'fp', 'fn', 'precision', 'recall', 'f1'] as const) {
    near(t, actual[key], expected[key], `${what}.${key}`);
  }
}

const NEREVAL_SECTIONS: [keyof NerevalResult, string][] = [
  ['strict_combined', 'strict_combined_official'],
  ['skill_outer', 'outer_skill_strict'],
  ['knowledge_inner', 'inner_knowledge_strict'],
];

/** nereval against the perl script's printed sections (2 decimals) and its exact counts. */
function nerevalMatches(t: ExecutionContext, actual: NerevalResult, expected: Json, what: string): void {
  for (const [ours, theirs] of NEREVAL_SECTIONS) {
    const printed = expected.sections[theirs];
    const score = actual[ours];
    const asPrinted = nerevalPrintedPercentages(score);
    for (const [key, printedKey] of [
      ['precision', 'precision'],
      ['recall', 'recall'],
      ['f1', 'fb1'],
    ] as const) {
      const want = Number(printed[printedKey]).toFixed(2);
      t.is(printf2(100 * score[key]), want, `${what}.${theirs}.${printedKey} (fraction x 100)`);
      t.is(
        asPrinted[printedKey === 'fb1' ? 'fb1' : key],
        want,
        `${what}.${theirs}.${printedKey} (as the perl prints)`,
      );
    }
    const counts = expected.exact_from_counts[theirs];
    t.deepEqual(
      [score.tp, score.fp, score.fn],
      [counts.tp, counts.fp, counts.fn],
      `${what}.${theirs} tp/fp/fn`,
    );
    countScoreMatches(t, score, counts, `${what}.${theirs}`);
  }
}

for (const vector of vectors()) {
  test(`vector ${vector.folder}/${vector.name}`, (t) => {
    const gold = goldOf(vector);
    const predictions = predictionsOf(vector, gold);
    const report = scoreAll(gold.sentences, predictions);
    const { expected } = vector;
    const { nervaluate, nereval, set } = report.protocols;

    for (const schema of NERVALUATE_SCHEMAS) {
      nervaluateScoreMatches(
        t,
        nervaluate.overall[schema],
        expected.nervaluate.overall[schema],
        `overall.${schema}`,
      );
      for (const label of LABELS) {
        nervaluateScoreMatches(
          t,
          nervaluate.per_label[label][schema],
          expected.nervaluate.per_tag[label][schema],
          `${label}.${schema}`,
        );
      }
    }

    nerevalMatches(t, nereval, expected.nereval, 'nereval');

    countScoreMatches(t, set.overall, expected.set_f1.overall_micro, 'set.overall');
    for (const label of LABELS)
      countScoreMatches(t, set.per_label[label], expected.set_f1[label], `set.${label}`);
    near(t, set.macro_f1, expected.set_f1.macro_f1, 'set.macro_f1');

    t.is(report.counts.sentences, expected.counts.sentences);
    t.deepEqual(report.counts.gold_spans, expected.counts.gold_spans);
    t.deepEqual(report.counts.pred_spans, expected.counts.pred_spans);
    t.is(
      report.counts.pred_spans.SKILL + report.counts.pred_spans.KNOWLEDGE,
      expected.set_f1.pred_spans_before_dedup,
    );
    const encoding = expected.nereval.bio_encoding_of_pred;
    t.deepEqual(report.counts.nereval_encoding, {
      dropped_overlapping_same_label: encoding.pred_dropped_overlapping_same_label,
      duplicates_collapsed: encoding.pred_duplicates_collapsed,
    });

    // Per source by the json `source` field: the nereval run on that subset alone.
    const perSource = expected.nereval.per_source_json_field ?? {};
    t.deepEqual(Object.keys(report.by_source).sort(), Object.keys(perSource).sort());
    for (const [source, block] of Object.entries<Json>(perSource)) {
      const subsetSize = gold.sentences.filter((sentence) => sentence.source === source).length;
      t.is(subsetSize, block.n_sentences);
      nerevalMatches(t, report.by_source[source].nereval, block, `${source}.nereval`);
    }

    // Per source as SkillSpan's run.evaluate.sh scores it: CoNLL files that are row ranges.
    for (const [source, block] of Object.entries<Json>(expected.nereval.per_source_conll_file ?? {})) {
      if (typeof block !== 'object' || !block.json_rows) continue;
      const [first, last] = block.json_rows as [number, number];
      const { protocols } = scoreProtocols(
        gold.sentences.slice(first, last + 1),
        predictions.slice(first, last + 1),
      );
      nerevalMatches(t, protocols.nereval, block, `conll ${source}.nereval`);
    }
  });
}
