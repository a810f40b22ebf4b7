import * as tf from '@tensorflow/tfjs';
import { dropout } from '../neural/ops/dropout.ts';
import { gatherRows } from '../neural/ops/gather-rows.ts';
import { linear } from '../neural/ops/linear.ts';
import { bidirectionalLstm, type LstmWeights } from '../neural/ops/lstm.ts';
import type { ParamSpec, Params } from '../neural/params.ts';
import type { Rng } from '../neural/rng.ts';
import type { GlinerConfig } from './config.ts';
import type { GlinerBatch } from './inputs.ts';

/**
 * The GLiNER v0.2.9 span model on top of an encoder's last hidden state, under GLiNER's own
 * parameter names: projection (token_rep_layer.projection), first-subtoken word pooling, BiLSTM
 * (rnn.lstm), markerV0 span representation (span_rep_layer.span_rep_layer), prompt FFN
 * (prompt_rep_layer) and span-by-class dot products.
 */
export const PROJECTION = 'token_rep_layer.projection';
const LSTM = 'rnn.lstm';
const SPAN = 'span_rep_layer.span_rep_layer';
const PROMPT = 'prompt_rep_layer';

/** torch's nn.Linear init: weight and bias from U(-1/sqrt(in), 1/sqrt(in)). */
function linearSpecs(name: string, inputs: number, outputs: number): ParamSpec[] {
  const bound = 1 / Math.sqrt(inputs);
  return [
    { name: `${name}.weight`, shape: [inputs, outputs], linear: true, init: 'uniform', bound },
    { name: `${name}.bias`, shape: [outputs], linear: false, init: 'uniform', bound },
  ];
}

/** GLiNER's create_projection_layer: Linear(in, 4 out) -> ReLU -> Dropout -> Linear(4 out, out), indices .0 and .3. */
function ffnSpecs(name: string, inputs: number, outputs: number): ParamSpec[] {
  return [
    ...linearSpecs(`${name}.0`, inputs, 4 * outputs),
    ...linearSpecs(`${name}.3`, 4 * outputs, outputs),
  ];
}

function lstmSpecs(inputs: number, hidden: number): ParamSpec[] {
  const bound = 1 / Math.sqrt(hidden);
  return ['l0', 'l0_reverse'].flatMap((suffix): ParamSpec[] => [
    {
      name: `${LSTM}.weight_ih_${suffix}`,
      shape: [inputs, 4 * hidden],
      linear: true,
      init: 'uniform',
      bound,
    },
    {
      name: `${LSTM}.weight_hh_${suffix}`,
      shape: [hidden, 4 * hidden],
      linear: true,
      init: 'uniform',
      bound,
    },
    { name: `${LSTM}.bias_ih_${suffix}`, shape: [4 * hidden], linear: false, init: 'uniform', bound },
    { name: `${LSTM}.bias_hh_${suffix}`, shape: [4 * hidden], linear: false, init: 'uniform', bound },
  ]);
}

/** Every head parameter (the projection included) for an encoder of width encoderHidden. */
export function headSpecs(config: GlinerConfig, encoderHidden: number): ParamSpec[] {
  const d = config.hidden_size;
  if (d % 2 !== 0)
    throw new Error(`hidden_size ${d} must be even (the BiLSTM has hidden_size / 2 units per direction)`);
  return [
    ...linearSpecs(PROJECTION, encoderHidden, d),
    ...(config.has_rnn ? lstmSpecs(d, d / 2) : []),
    ...ffnSpecs(`${SPAN}.project_start`, d, d),
    ...ffnSpecs(`${SPAN}.project_end`, d, d),
    ...ffnSpecs(`${SPAN}.out_project`, 2 * d, d),
    ...ffnSpecs(PROMPT, d, d),
  ];
}

/** Tensors inside the forward pass, by the fixture's names, for parity tests. */
export type Capture = Record<string, tf.Tensor>;

export interface HeadOutputs {
  /** [B, L, K, C] */
  logits: tf.Tensor4D;
}

/** Linear -> ReLU -> Dropout -> Linear. */
function ffn(params: Params, name: string, x: tf.Tensor, rate: number, rng: Rng | undefined): tf.Tensor {
  const hidden = tf.relu(linear(x, params.get(`${name}.0.weight`)!, params.get(`${name}.0.bias`)!));
  return linear(dropout(hidden, rate, rng), params.get(`${name}.3.weight`)!, params.get(`${name}.3.bias`)!);
}

function lstmWeights(params: Params, suffix: string): LstmWeights {
  return {
    inputKernel: params.get(`${LSTM}.weight_ih_${suffix}`)!,
    recurrentKernel: params.get(`${LSTM}.weight_hh_${suffix}`)!,
    inputBias: params.get(`${LSTM}.bias_ih_${suffix}`)!,
    recurrentBias: params.get(`${LSTM}.bias_hh_${suffix}`)!,
  };
}

/**
 * Logits [B, L, K, C] from the encoder's last hidden state [B, T, H]. Dropout (config.dropout
 * inside every FFN) only with an rng. Invalid spans are computed from words (0, 0), as GLiNER
 * does; callers mask them.
 */
export function headsForward(
  params: Params,
  config: GlinerConfig,
  hidden: tf.Tensor3D,
  batch: GlinerBatch,
  rng?: Rng,
  capture?: Capture,
): HeadOutputs {
  const { size: B, tokens: T, words: L, width: K, classes: C } = batch;
  const d = config.hidden_size;
  const rate = config.dropout;
  const keep = (name: string, t: tf.Tensor) => {
    if (capture) capture[name] = tf.keep(t);
  };
  const tokens = linear(
    tf.reshape(hidden, [B * T, hidden.shape[2]]),
    params.get(`${PROJECTION}.weight`)!,
    params.get(`${PROJECTION}.bias`)!,
  );
  keep('token_embeddings', tf.reshape(tokens, [B, T, d]));

  // prompt: the <<ENT>> markers' rows, zero where a row has fewer classes
  const promptMask = tf.tensor2d(batch.promptMask, [B * C, 1]);
  const prompts = tf.mul(gatherRows(tokens, tf.tensor1d(batch.promptTokenRows, 'int32')), promptMask);
  keep('prompts_embedding_raw', tf.reshape(prompts, [B, C, d]));

  // words: each word's first subtoken
  const present = tf.tensor2d(batch.wordPresent, [B * L, 1]);
  const pooled = tf.mul(gatherRows(tokens, tf.tensor1d(batch.wordTokenRows, 'int32')), present);
  keep('words_embedding_pooled', tf.reshape(pooled, [B, L, d]));
  let words = tf.reshape(pooled, [B, L, d]) as tf.Tensor3D;
  if (config.has_rnn) {
    words = bidirectionalLstm(
      words,
      batch.textLengths,
      lstmWeights(params, 'l0'),
      lstmWeights(params, 'l0_reverse'),
    );
    keep('words_embedding_rnn', words);
  }

  // markerV0: out_project(ReLU([start(w_i) | end(w_{i+j})])). The first out_project layer is
  // split into its start and end halves and applied per word, before the per-span gather: the
  // same numbers as concatenating per span, with the widest layer K times cheaper.
  const flatWords = tf.reshape(words, [B * L, d]);
  const start = ffn(params, `${SPAN}.project_start`, flatWords, rate, rng);
  const end = ffn(params, `${SPAN}.project_end`, flatWords, rate, rng);
  keep('span_start_rep', tf.reshape(start, [B, L, d]));
  keep('span_end_rep', tf.reshape(end, [B, L, d]));
  const first = params.get(`${SPAN}.out_project.0.weight`)!;
  const width = first.shape[1] as number;
  const startPart = linear(
    tf.relu(start),
    tf.slice(first, [0, 0], [d, width]),
    params.get(`${SPAN}.out_project.0.bias`)!,
  );
  const endPart = tf.matMul(tf.relu(end) as tf.Tensor2D, tf.slice(first, [d, 0], [d, width]) as tf.Tensor2D);
  const spanHidden = tf.relu(
    tf.add(
      gatherRows(startPart, tf.tensor1d(batch.spanStartRows, 'int32')),
      gatherRows(endPart, tf.tensor1d(batch.spanEndRows, 'int32')),
    ),
  );
  const spans = linear(
    dropout(spanHidden, rate, rng),
    params.get(`${SPAN}.out_project.3.weight`)!,
    params.get(`${SPAN}.out_project.3.bias`)!,
  );
  keep('span_rep', tf.reshape(spans, [B, L, K, d]));

  const classes = ffn(params, PROMPT, prompts, rate, rng);
  keep('prompts_embedding', tf.reshape(classes, [B, C, d]));
  const logits = tf.matMul(
    tf.reshape(spans, [B, L * K, d]) as tf.Tensor3D,
    tf.reshape(classes, [B, C, d]) as tf.Tensor3D,
    false,
    true,
  );
  return { logits: tf.reshape(logits, [B, L, K, C]) as tf.Tensor4D };
}

/** Mask [B, L, K, C]: valid spans times real classes. */
export function lossMask(batch: GlinerBatch): tf.Tensor4D {
  const { size: B, words: L, width: K, classes: C } = batch;
  return tf.mul(
    tf.tensor4d(batch.spanMask, [B, L, K, 1]),
    tf.tensor4d(batch.promptMask, [B, 1, 1, C]),
  ) as tf.Tensor4D;
}
