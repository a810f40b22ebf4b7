import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { runCli } from '../helpers/cli.ts';
import { maxAbsDiff } from '../neural/gradcheck.ts';
import { GLINER_FIXTURE, inferenceCases } from './fixture.ts';

test('`skillbench gliner predict` writes batch_predict_entities: the fixture logits [B, L, 12, C] and entities', async (t) => {
  const c = inferenceCases()[0];
  const decoded = c.decoded.find((d) => d.flat_ner && d.threshold === 0.5)!;
  const dir = mkdtempSync(join(tmpdir(), 'gliner-cli-'));
  const input = join(dir, 'in.json');
  const out = join(dir, 'out.json');
  writeFileSync(
    input,
    JSON.stringify({
      texts: c.sentences.map((s) => s.text),
      labels: c.labels,
      threshold: 0.5,
      flat_ner: true,
    }),
  );
  const result = await runCli([
    'gliner',
    'predict',
    '--model',
    GLINER_FIXTURE,
    '--input',
    input,
    '--out',
    out,
    '--backend',
    'wasm',
  ]);
  t.is(result.code, 0, result.stderr);
  const output = JSON.parse(readFileSync(out, 'utf8'));
  t.deepEqual(output.logits.shape, c.logits.shape);
  t.true(maxAbsDiff(output.logits.data, c.logits.data) < 1e-4);
  t.deepEqual(
    output.entities.map((row: { start: number; end: number; text: string; label: string }[]) =>
      row.map(({ start, end, text, label }) => ({ start, end, text, label })),
    ),
    decoded.entities.map((row) => row.map(({ start, end, text, label }) => ({ start, end, text, label }))),
  );
  t.deepEqual(Object.keys(output.entities[0][0]), ['start', 'end', 'text', 'label', 'score']);

  writeFileSync(input, JSON.stringify({ texts: ['x'], labels: [], threshold: 2 }));
  const bad = await runCli(['gliner', 'predict', '--model', GLINER_FIXTURE, '--input', input, '--out', out]);
  t.not(bad.code, 0);
  t.regex(bad.stderr, /labels/);
  t.regex(bad.stderr, /threshold/);
});
