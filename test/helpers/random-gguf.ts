/**
 * Writes a tiny llama-architecture GGUF (version 3, F32 tensors) with random weights and a
 * SentencePiece-style vocabulary that has all 256 byte tokens, so any text tokenizes. Enough for
 * node-llama-cpp to load, template, generate and follow grammars; the text it writes is noise.
 * Format: github.com/ggml-org/ggml/blob/master/docs/gguf.md.
 */
import { writeFileSync } from 'node:fs';

const GGUF_MAGIC = 0x46554747; // "GGUF"
const ALIGNMENT = 32;

enum ValueType {
  Uint32 = 4,
  Int32 = 5,
  Float32 = 6,
  String = 8,
  Array = 9,
}

type MetaValue =
  | { type: ValueType.Uint32 | ValueType.Int32 | ValueType.Float32; value: number }
  | { type: ValueType.String; value: string }
  | {
      type: ValueType.Array;
      itemType: ValueType.Int32 | ValueType.Float32 | ValueType.String;
      value: (number | string)[];
    };

class ByteWriter {
  private readonly chunks: Buffer[] = [];
  length = 0;

  private push(buffer: Buffer): void {
    this.chunks.push(buffer);
    this.length += buffer.length;
  }
  u32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value);
    this.push(b);
  }
  i32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(value);
    this.push(b);
  }
  f32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    this.push(b);
  }
  u64(value: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(value));
    this.push(b);
  }
  string(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.u64(bytes.length);
    this.push(bytes);
  }
  bytes(buffer: Buffer): void {
    this.push(buffer);
  }
  padTo(alignment: number): void {
    const rest = this.length % alignment;
    if (rest) this.push(Buffer.alloc(alignment - rest));
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function scalar(writer: ByteWriter, type: ValueType, value: number | string): void {
  if (type === ValueType.String) writer.string(value as string);
  else if (type === ValueType.Uint32) writer.u32(value as number);
  else if (type === ValueType.Int32) writer.i32(value as number);
  else writer.f32(value as number);
}

export interface RandomGgufOptions {
  embedding?: number;
  layers?: number;
  heads?: number;
  feedForward?: number;
  contextLength?: number;
  seed?: number;
  /** a Jinja chat template stored as tokenizer.chat_template (omitted: node-llama-cpp's fallback) */
  chatTemplate?: string;
}

/** Writes the model to `path` and returns its size in bytes. */
export function writeRandomGguf(path: string, options: RandomGgufOptions = {}): number {
  const embedding = options.embedding ?? 64;
  const layers = options.layers ?? 2;
  const heads = options.heads ?? 4;
  const feedForward = options.feedForward ?? 128;
  const contextLength = options.contextLength ?? 2048;

  // <unk> <s> </s>, the 256 byte tokens, then a few whole pieces so common text is not all bytes
  const pieces = [
    '▁',
    '▁the',
    '▁and',
    '▁a',
    '▁of',
    '▁to',
    '▁in',
    '▁is',
    '▁with',
    'e',
    't',
    'a',
    'o',
    'n',
    's',
    'i',
    'r',
    '{',
    '}',
    '"',
    ':',
    ',',
    '[',
  ];
  const bytes = Array.from({ length: 256 }, (_, b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
  const tokens = ['<unk>', '<s>', '</s>', ...bytes, ...pieces];
  // token types: 1 normal, 2 unknown, 3 control, 6 byte
  const tokenTypes = tokens.map((_, i) => (i === 0 ? 2 : i < 3 ? 3 : i < 3 + 256 ? 6 : 1));
  const scores = tokens.map((_, i) => (i < 3 + 256 ? 0 : -i));

  const metadata: [string, MetaValue][] = [
    ['general.architecture', { type: ValueType.String, value: 'llama' }],
    ['general.name', { type: ValueType.String, value: 'random-test-llama' }],
    ['general.alignment', { type: ValueType.Uint32, value: ALIGNMENT }],
    ['general.file_type', { type: ValueType.Uint32, value: 0 }],
    ['llama.context_length', { type: ValueType.Uint32, value: contextLength }],
    ['llama.embedding_length', { type: ValueType.Uint32, value: embedding }],
    ['llama.block_count', { type: ValueType.Uint32, value: layers }],
    ['llama.feed_forward_length', { type: ValueType.Uint32, value: feedForward }],
    ['llama.attention.head_count', { type: ValueType.Uint32, value: heads }],
    ['llama.attention.head_count_kv', { type: ValueType.Uint32, value: heads }],
    ['llama.attention.layer_norm_rms_epsilon', { type: ValueType.Float32, value: 1e-5 }],
    ['llama.rope.dimension_count', { type: ValueType.Uint32, value: embedding / heads }],
    ['llama.vocab_size', { type: ValueType.Uint32, value: tokens.length }],
    ['tokenizer.ggml.model', { type: ValueType.String, value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: ValueType.Array, itemType: ValueType.String, value: tokens }],
    ['tokenizer.ggml.scores', { type: ValueType.Array, itemType: ValueType.Float32, value: scores }],
    ['tokenizer.ggml.token_type', { type: ValueType.Array, itemType: ValueType.Int32, value: tokenTypes }],
    ['tokenizer.ggml.bos_token_id', { type: ValueType.Uint32, value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: ValueType.Uint32, value: 2 }],
    ['tokenizer.ggml.unknown_token_id', { type: ValueType.Uint32, value: 0 }],
  ];
  if (options.chatTemplate)
    metadata.push(['tokenizer.chat_template', { type: ValueType.String, value: options.chatTemplate }]);

  // tensors: name and dimensions (ggml order: the fastest-varying first)
  const shapes: [string, number[], 'ones' | 'random'][] = [
    ['token_embd.weight', [embedding, tokens.length], 'random'],
    ['output_norm.weight', [embedding], 'ones'],
    ['output.weight', [embedding, tokens.length], 'random'],
  ];
  for (let layer = 0; layer < layers; layer++) {
    const block = `blk.${layer}`;
    shapes.push(
      [`${block}.attn_norm.weight`, [embedding], 'ones'],
      [`${block}.attn_q.weight`, [embedding, embedding], 'random'],
      [`${block}.attn_k.weight`, [embedding, embedding], 'random'],
      [`${block}.attn_v.weight`, [embedding, embedding], 'random'],
      [`${block}.attn_output.weight`, [embedding, embedding], 'random'],
      [`${block}.ffn_norm.weight`, [embedding], 'ones'],
      [`${block}.ffn_gate.weight`, [embedding, feedForward], 'random'],
      [`${block}.ffn_up.weight`, [embedding, feedForward], 'random'],
      [`${block}.ffn_down.weight`, [feedForward, embedding], 'random'],
    );
  }

  return writeGguf(path, metadata, shapes, options.seed ?? 7);
}

export interface RandomLoraOptions {
  /** must match the base model's */
  embedding?: number;
  layers?: number;
  rank?: number;
  alpha?: number;
  seed?: number;
}

/**
 * Writes a LoRA adapter GGUF for a model of writeRandomGguf: random low-rank updates of every
 * layer's attention q and v projections (lora_a: [n_in, rank], lora_b: [rank, n_out] in ggml order).
 */
export function writeRandomLoraGguf(path: string, options: RandomLoraOptions = {}): number {
  const embedding = options.embedding ?? 64;
  const layers = options.layers ?? 2;
  const rank = options.rank ?? 4;
  const metadata: [string, MetaValue][] = [
    ['general.architecture', { type: ValueType.String, value: 'llama' }],
    ['general.type', { type: ValueType.String, value: 'adapter' }],
    ['adapter.type', { type: ValueType.String, value: 'lora' }],
    ['adapter.lora.alpha', { type: ValueType.Float32, value: options.alpha ?? 16 }],
  ];
  const shapes: [string, number[], 'ones' | 'random'][] = [];
  for (let layer = 0; layer < layers; layer++) {
    for (const target of ['attn_q', 'attn_v']) {
      shapes.push(
        [`blk.${layer}.${target}.weight.lora_a`, [embedding, rank], 'random'],
        [`blk.${layer}.${target}.weight.lora_b`, [rank, embedding], 'random'],
      );
    }
  }
  return writeGguf(path, metadata, shapes, options.seed ?? 11);
}

/** GGUF v3: header, metadata, tensor infos, then the F32 tensor data, each aligned. */
function writeGguf(
  path: string,
  metadata: [string, MetaValue][],
  shapes: [string, number[], 'ones' | 'random'][],
  seed: number,
): number {
  let state = seed >>> 0 || 1;
  const uniform = () => {
    // xorshift32: deterministic weights in [-0.1, 0.1)
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) / 2 ** 32 - 0.5) * 0.2;
  };

  const header = new ByteWriter();
  header.u32(GGUF_MAGIC);
  header.u32(3);
  header.u64(shapes.length);
  header.u64(metadata.length);
  for (const [key, meta] of metadata) {
    header.string(key);
    header.u32(meta.type);
    if (meta.type === ValueType.Array) {
      header.u32(meta.itemType);
      header.u64(meta.value.length);
      for (const item of meta.value) scalar(header, meta.itemType, item);
    } else {
      scalar(header, meta.type, meta.value);
    }
  }
  const data = new ByteWriter();
  for (const [name, dims, fill] of shapes) {
    header.string(name);
    header.u32(dims.length);
    for (const dim of dims) header.u64(dim);
    header.u32(0); // F32
    header.u64(data.length);
    const values = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = fill === 'ones' ? 1 : uniform();
    data.bytes(Buffer.from(values.buffer));
    data.padTo(ALIGNMENT);
  }
  header.padTo(ALIGNMENT);
  const file = Buffer.concat([header.toBuffer(), data.toBuffer()]);
  writeFileSync(path, file);
  return file.length;
}
