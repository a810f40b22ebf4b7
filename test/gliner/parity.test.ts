import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import type { Capture } from '../../baselines/gliner/heads.ts';
import { buildBatch } from '../../baselines/gliner/inputs.ts';
import { loadGliner } from '../../baselines/gliner/load.ts';
import { batchPredictEntities } from '../../baselines/gliner/predict.ts';
import { splitWords } from '../../baselines/gliner/words.ts';
import { useBackend } from '../../baselines/neural/backend/choose.ts';
import { fileTensors, tensorsFromParams } from '../../baselines/neural/params.ts';
import { maxAbsDiff } from '../neural/gradcheck.ts';
import { GLINER_FIXTURE, inferenceCases, trainingFixture } from './fixture.ts';

test.before(async () => {
  await useBackend('wasm');
});

test('the whole model (DeBERTa + heads) reproduces GLiNER v0.2.9: intermediates and logits within 1e-4, entities exact', async (t) => {
  const model = loadGliner(GLINER_FIXTURE);
  for (const c of inferenceCases()) {
    const texts = c.sentences.map((s) => s.text);
    const items = texts.map((text) => ({ words: splitWords(text).map((w) => w.text), classes: c.labels }));
    const capture: Capture = {};
    const logits = model.logits(buildBatch(items, model.tokenizer, model.settings), undefined, capture);
    const errors: Record<string, number> = {};
    for (const [name, expected] of Object.entries(c.intermediates)) {
      if (expected.dtype !== 'float32') continue;
      t.truthy(capture[name], `${name} captured`);
      t.deepEqual(capture[name].shape, expected.shape, name);
      errors[name] = maxAbsDiff(await capture[name].data(), expected.data);
    }
    errors.logits = maxAbsDiff(await logits.data(), c.logits.data);
    t.log(
      `${c.name}: ${Object.entries(errors)
        .map(([k, v]) => `${k} ${v.toExponential(1)}`)
        .join(', ')}`,
    );
    for (const [name, error] of Object.entries(errors)) t.true(error < 1e-4, `${c.name} ${name}: ${error}`);
    tf.dispose([logits, ...Object.values(capture)]);

    for (const decoded of c.decoded) {
      const result = await batchPredictEntities(model, texts, c.labels, {
        threshold: decoded.threshold,
        flat: decoded.flat_ner,
      });
      t.deepEqual(result.logits.shape, c.logits.shape);
      t.deepEqual(
        result.entities.map((row) => row.map(({ start, end, text, label }) => ({ start, end, text, label }))),
        decoded.entities.map((row) =>
          row.map(({ start, end, text, label }) => ({ start, end, text, label })),
        ),
        `${c.name} flat=${decoded.flat_ner} threshold ${decoded.threshold}`,
      );
    }
  }
  model.dispose();
});

test('training loss (sum BCE) within 1e-5 relative and every gradient norm within 1e-3 relative of GLiNER', async (t) => {
  const fixture = trainingFixture();
  const model = loadGliner(GLINER_FIXTURE);
  const batch = buildBatch(
    fixture.examples.map((e) => ({ words: e.tokens, classes: e.classes, ner: e.ner })),
    model.tokenizer,
    model.settings,
  );
  t.deepEqual([...batch.inputIds], fixture.batch.input_ids.data);
  t.deepEqual([...batch.labels!], fixture.batch.labels.data);
  const params = model.params;
  const nameOf = new Map([...params].map(([name, v]) => [v.name, name]));
  const { value, grads } = tf.variableGrads(() => model.loss(batch), [...params.values()]);
  const loss = (await value.data())[0];
  t.log(`loss ${loss} (GLiNER ${fixture.loss})`);
  t.true(Math.abs(loss - fixture.loss) / fixture.loss < 1e-5, `loss ${loss} vs ${fixture.loss}`);

  // gradients in checkpoint layout, under the state dict's names (query/key/value apart)
  const gradParams = new Map(Object.entries(grads).map(([v, g]) => [nameOf.get(v)!, tf.variable(g)]));
  const fileGrads = await tensorsFromParams(model.specs, gradParams);
  let square = 0;
  const worst = { name: '', error: 0 };
  for (const [name, expected] of Object.entries(fixture.grad_norms)) {
    const g = fileGrads.get(name);
    t.truthy(g, name);
    const norm = Math.sqrt(g!.data.reduce((sum, x) => sum + x * x, 0));
    square += norm * norm;
    const error = Math.abs(norm - expected) / expected;
    if (error > worst.error) Object.assign(worst, { name, error });
  }
  t.is(fileGrads.size, Object.keys(fixture.grad_norms).length);
  t.is(model.specs.flatMap(fileTensors).length, fileGrads.size);
  const global = Math.sqrt(square);
  t.log(
    `global gradient norm ${global} (GLiNER ${fixture.grad_global_norm}); worst ${worst.name} ${worst.error.toExponential(1)}`,
  );
  t.true(worst.error < 1e-3, `${worst.name}: ${worst.error}`);
  t.true(Math.abs(global - fixture.grad_global_norm) / fixture.grad_global_norm < 1e-3);
  for (const [name, expected] of Object.entries(fixture.grads)) {
    const row = name.match(/^(.*)\[<<ENT>> row\]$/);
    const g = fileGrads.get(row ? row[1] : name)!;
    const width = expected.data.length;
    const data = row
      ? g.data.subarray(model.settings.classTokenIndex * width, (model.settings.classTokenIndex + 1) * width)
      : g.data;
    const scale = Math.max(...expected.data.map(Math.abs));
    t.true(maxAbsDiff(data, expected.data) / scale < 1e-3, name);
  }
  tf.dispose([value, ...Object.values(grads), ...gradParams.values()]);
  model.dispose();
});
