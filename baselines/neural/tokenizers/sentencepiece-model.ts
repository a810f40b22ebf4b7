import { InputError } from '../../../harness/util/errors.ts';

/** SentencePiece piece types (sentencepiece_model.proto). */
export const PieceType = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;

export interface SentencePiece {
  piece: string;
  score: number;
  type: number;
}

/** What a tokenizer needs from a SentencePiece model file (spm.model, a ModelProto). */
export interface SentencePieceModel {
  pieces: SentencePiece[];
  /** TrainerSpec.model_type: 1 unigram, 2 bpe, 3 word, 4 char */
  modelType: number;
  unkId: number;
  byteFallback: boolean;
  normalizer: {
    name: string;
    /** the compiled normalisation rules (a double-array trie plus replacement strings); may be empty */
    precompiledCharsmap: Uint8Array;
    addDummyPrefix: boolean;
    removeExtraWhitespaces: boolean;
    escapeWhitespaces: boolean;
  };
}

/**
 * Reads spm.model (a protobuf ModelProto) with a minimal wire-format reader: only the fields a
 * Unigram tokenizer needs (pieces, trainer_spec.model_type / unk_id / byte_fallback,
 * normalizer_spec). Unknown fields are skipped as the wire format allows.
 */
export function parseSentencePieceModel(bytes: Uint8Array, source: string): SentencePieceModel {
  const model: SentencePieceModel = {
    pieces: [],
    modelType: 1,
    unkId: 0,
    byteFallback: false,
    normalizer: {
      name: '',
      precompiledCharsmap: new Uint8Array(0),
      addDummyPrefix: true,
      removeExtraWhitespaces: true,
      escapeWhitespaces: true,
    },
  };
  try {
    for (const field of fields(bytes)) {
      if (field.number === 1 && field.bytes) model.pieces.push(readPiece(field.bytes));
      else if (field.number === 2 && field.bytes) {
        for (const f of fields(field.bytes)) {
          if (f.number === 3) model.modelType = f.value;
          else if (f.number === 40) model.unkId = f.value;
          else if (f.number === 35) model.byteFallback = f.value !== 0;
        }
      } else if (field.number === 3 && field.bytes) {
        for (const f of fields(field.bytes)) {
          if (f.number === 1 && f.bytes) model.normalizer.name = new TextDecoder().decode(f.bytes);
          else if (f.number === 2 && f.bytes) model.normalizer.precompiledCharsmap = f.bytes;
          else if (f.number === 3) model.normalizer.addDummyPrefix = f.value !== 0;
          else if (f.number === 4) model.normalizer.removeExtraWhitespaces = f.value !== 0;
          else if (f.number === 5) model.normalizer.escapeWhitespaces = f.value !== 0;
        }
      }
    }
  } catch (error) {
    throw new InputError(`not a SentencePiece model (${(error as Error).message})`, source);
  }
  if (model.pieces.length === 0) throw new InputError('not a SentencePiece model (no pieces)', source);
  return model;
}

function readPiece(bytes: Uint8Array): SentencePiece {
  const piece: SentencePiece = { piece: '', score: 0, type: PieceType.NORMAL };
  for (const f of fields(bytes)) {
    if (f.number === 1 && f.bytes) piece.piece = new TextDecoder().decode(f.bytes);
    else if (f.number === 2) piece.score = f.float;
    else if (f.number === 3) piece.type = f.value;
  }
  return piece;
}

interface Field {
  number: number;
  /** varint value (or 0) */
  value: number;
  /** fixed32 as float32 */
  float: number;
  /** length-delimited payload */
  bytes?: Uint8Array;
}

/** The top-level fields of one protobuf message. */
function* fields(bytes: Uint8Array): Generator<Field> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (at >= bytes.length) throw new Error('truncated varint');
      const byte = bytes[at++];
      // values above 2^53 do not occur in the fields read; keep the low bits exactly
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
      if (shift > 63) throw new Error('varint too long');
    }
  };
  while (at < bytes.length) {
    const key = varint();
    const number = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) yield { number, value: varint(), float: 0 };
    else if (wire === 1) {
      if (at + 8 > bytes.length) throw new Error('truncated fixed64');
      at += 8;
    } else if (wire === 2) {
      const length = varint();
      if (at + length > bytes.length) throw new Error(`field ${number} runs past the end`);
      yield { number, value: 0, float: 0, bytes: bytes.subarray(at, at + length) };
      at += length;
    } else if (wire === 5) {
      if (at + 4 > bytes.length) throw new Error('truncated fixed32');
      yield { number, value: view.getUint32(at, true), float: view.getFloat32(at, true) };
      at += 4;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
}
