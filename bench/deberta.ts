/**
 * DeBERTa encoder benchmark: forward and forward + backward of the DeBERTa-v3 encoder
 * (baselines/neural/deberta) on wasm, next to the BERT encoder of the same size measured in the
 * same run (the baseline), so the ratio is the cost of disentangled attention (two relative
 * score terms, the relative table's projections and shift) over plain attention. Config: bench
 * SMALL (2 layers, hidden 128, 2 heads, FFN 512, vocabulary 3000, batch 16 x 64 tokens) with
 * DeBERTa-v3's relative settings (256 buckets, c2p + p2c, shared keys). Run alone with
 * `node --import=tsx bench/deberta.ts`.
 */
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../baselines/neural/backend/choose.ts';
import { parseBertConfig } from '../baselines/neural/bert/config.ts';
import { BertTokenModel } from '../baselines/neural/bert/model.ts';
import { parseDebertaConfig } from '../baselines/neural/deberta/config.ts';
import { DebertaModel } from '../baselines/neural/deberta/model.ts';
import { Rng } from '../baselines/neural/rng.ts';
import { SMALL } from './neural-setup.ts';
import { type BenchResult, median } from './scoring.ts';

/** Goal: the DeBERTa encoder step within this factor of the BERT encoder step of the same size. */
const TARGET_RATIO = 2;
const STEPS = 8;

type Encode = (inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, rng?: Rng) => tf.Tensor;

function encoders(): Record<
  'bert' | 'deberta',
  { encode: Encode; variables: tf.Variable[]; dispose(): void }
> {
  const shape = {
    vocab_size: SMALL.vocab,
    hidden_size: SMALL.hidden,
    num_hidden_layers: SMALL.layers,
    num_attention_heads: SMALL.heads,
    intermediate_size: SMALL.ffn,
  };
  const bert = BertTokenModel.create(parseBertConfig(shape, 'bench'), 0, new Rng(1));
  const deberta = DebertaModel.create(
    parseDebertaConfig(
      {
        ...shape,
        relative_attention: true,
        position_buckets: 256,
        pos_att_type: ['p2c', 'c2p'],
        share_att_key: true,
        norm_rel_ebd: 'layer_norm',
        position_biased_input: false,
      },
      'bench',
    ),
    new Rng(1),
  );
  return {
    bert: {
      encode: (inputIds, attentionMask, rng) => bert.encode({ inputIds, attentionMask }, rng),
      variables: bert.trainableVariables(),
      dispose: () => bert.dispose(),
    },
    deberta: {
      encode: (inputIds, attentionMask, rng) => deberta.encode({ inputIds, attentionMask }, rng),
      variables: deberta.trainableVariables(),
      dispose: () => deberta.dispose(),
    },
  };
}

/** Median ms of forward (eval) and of forward + backward (dropout on) over STEPS after a warm-up. */
async function time(model: {
  encode: Encode;
  variables: tf.Variable[];
}): Promise<{ forward: number; step: number }> {
  const rng = new Rng(2);
  const ids = tf.tensor2d(
    Int32Array.from({ length: SMALL.batch * SMALL.length }, () => 5 + rng.int(SMALL.vocab - 5)),
    [SMALL.batch, SMALL.length],
    'int32',
  );
  const mask = tf.onesLike(ids) as tf.Tensor2D;
  const weights = tf.randomNormal([SMALL.batch, SMALL.length, SMALL.hidden], 0, 1, 'float32', 3);
  const forward = async () => {
    const out = tf.tidy(() => model.encode(ids, mask));
    await out.data();
    out.dispose();
  };
  const step = async () => {
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.mul(model.encode(ids, mask, rng), weights)) as tf.Scalar,
    );
    await value.data();
    await Promise.all(Object.values(grads).map((g) => g.data()));
    tf.dispose([value, ...Object.values(grads)]);
  };
  const measure = async (run: () => Promise<void>) => {
    await run();
    const ms: number[] = [];
    for (let i = 0; i < STEPS; i++) {
      const started = performance.now();
      await run();
      ms.push(performance.now() - started);
    }
    return median(ms);
  };
  const result = { forward: await measure(forward), step: await measure(step) };
  tf.dispose([ids, mask, weights]);
  return result;
}

export async function runDebertaBench(log: (line: string) => void = console.log): Promise<BenchResult[]> {
  await useBackend('wasm');
  log(
    `DeBERTa encoder bench on wasm (${SMALL.layers}L/${SMALL.hidden}H/${SMALL.heads}A/FFN ${SMALL.ffn}, B ${SMALL.batch} x T ${SMALL.length}; baseline: BERT of the same size, same run)`,
  );
  const models = encoders();
  const bert = await time(models.bert);
  const deberta = await time(models.deberta);
  for (const model of Object.values(models)) model.dispose();
  const tokens = SMALL.batch * SMALL.length;
  const results: BenchResult[] = [
    {
      name: 'DeBERTa forward on wasm',
      value: tokens / (deberta.forward / 1000),
      unit: 'tokens/s',
      detail: `${deberta.forward.toFixed(0)} ms; BERT ${bert.forward.toFixed(0)} ms = ${(deberta.forward / bert.forward).toFixed(2)}x`,
    },
    {
      name: 'DeBERTa forward + backward on wasm',
      value: tokens / (deberta.step / 1000),
      unit: 'tokens/s',
      target: TARGET_RATIO,
      pass: deberta.step / bert.step <= TARGET_RATIO,
      detail: `${deberta.step.toFixed(0)} ms; BERT ${bert.step.toFixed(0)} ms = ${(deberta.step / bert.step).toFixed(2)}x (goal <= ${TARGET_RATIO}x); median of ${STEPS}`,
    },
  ];
  for (const r of results) {
    const verdict = r.pass === undefined ? '' : ` (${r.pass ? 'pass' : 'FAIL'})`;
    log(`  ${r.name}: ${r.value.toFixed(0)} ${r.unit}${verdict}; ${r.detail}`);
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await runDebertaBench();
  if (results.some((r) => r.pass === false)) process.exitCode = 1;
}
