import { readFileSync, writeFileSync } from 'node:fs';
import { InputError } from '../../../harness/util/errors.ts';

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the raw little-endian data.
 * Reading upcasts F16 and BF16 (and narrows F64) to float32, and integer tensors to int32.
 */
export interface RawTensor {
  shape: number[];
  /** the dtype in the file (F32, F16, BF16, ...) */
  dtype: string;
  data: Float32Array | Int32Array;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

export const BYTES_PER_ELEMENT: Record<string, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

export interface Safetensors {
  tensors: Map<string, RawTensor>;
  metadata: Record<string, string>;
}

export function parseSafetensors(bytes: Uint8Array, file: string): Safetensors {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 8) throw new InputError('not a safetensors file (too short)', file);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.byteLength - 8)
    throw new InputError('not a safetensors file (bad header length)', file);
  let header: Record<string, HeaderEntry | Record<string, string>>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (error) {
    throw new InputError(`not a safetensors file (header is not JSON: ${(error as Error).message})`, file);
  }
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, RawTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets: offsets } = entry as HeaderEntry;
    const size = shape.reduce((a, b) => a * b, 1);
    const width = BYTES_PER_ELEMENT[dtype];
    if (!width) throw new InputError(`tensor "${name}" has unsupported dtype ${dtype}`, file);
    const [begin, end] = offsets;
    if (end - begin !== size * width || dataStart + end > bytes.byteLength) {
      throw new InputError(`tensor "${name}" has a byte range that does not match its shape`, file);
    }
    tensors.set(name, { shape, dtype, data: decodeTensorData(bytes, dataStart + begin, size, dtype) });
  }
  return { tensors, metadata };
}

/** size little-endian values of dtype from bytes at offset, as float32 (floats) or int32 (integers, bools). */
export function decodeTensorData(
  bytes: Uint8Array,
  offset: number,
  size: number,
  dtype: string,
): Float32Array | Int32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, size * BYTES_PER_ELEMENT[dtype]);
  switch (dtype) {
    case 'F32': {
      // Copy: the file buffer may be unaligned, and the copy lets the buffer be collected.
      const out = new Float32Array(size);
      new Uint8Array(out.buffer).set(bytes.subarray(offset, offset + size * 4));
      return out;
    }
    case 'F16':
      return Float32Array.from({ length: size }, (_, i) => halfToFloat(view.getUint16(i * 2, true)));
    case 'BF16': {
      const out = new Float32Array(size);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < size; i++) bits[i] = view.getUint16(i * 2, true) << 16;
      return out;
    }
    case 'F64':
      return Float32Array.from({ length: size }, (_, i) => view.getFloat64(i * 8, true));
    case 'I64':
      return Int32Array.from({ length: size }, (_, i) => Number(view.getBigInt64(i * 8, true)));
    case 'I32':
      return Int32Array.from({ length: size }, (_, i) => view.getInt32(i * 4, true));
    case 'I16':
      return Int32Array.from({ length: size }, (_, i) => view.getInt16(i * 2, true));
    case 'I8':
      return Int32Array.from({ length: size }, (_, i) => view.getInt8(i));
    default:
      return Int32Array.from({ length: size }, (_, i) => view.getUint8(i));
  }
}

/** IEEE 754 binary16 -> number (subnormals, infinities and NaN included). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

export function readSafetensorsFile(path: string): Safetensors {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'no such file' : `cannot read (${code})`, path);
  }
  return parseSafetensors(bytes, path);
}

/** float32 and int32 tensors -> safetensors bytes (F32 / I32), names sorted, header padded to 8 bytes. */
export function serializeSafetensors(
  tensors: Map<string, { shape: number[]; data: Float32Array | Int32Array }>,
  metadata: Record<string, string> = { format: 'pt' },
): Uint8Array {
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const name of names) {
    const { shape, data } = tensors.get(name)!;
    const size = shape.reduce((a, b) => a * b, 1);
    if (size !== data.length)
      throw new Error(`tensor "${name}": shape [${shape}] does not hold ${data.length} values`);
    header[name] = {
      dtype: data instanceof Float32Array ? 'F32' : 'I32',
      shape,
      data_offsets: [offset, offset + data.byteLength],
    };
    offset += data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const name of names) {
    const { data } = tensors.get(name)!;
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), position);
    position += data.byteLength;
  }
  return out;
}

export function writeSafetensorsFile(
  path: string,
  tensors: Map<string, { shape: number[]; data: Float32Array | Int32Array }>,
  metadata?: Record<string, string>,
): void {
  writeFileSync(path, serializeSafetensors(tensors, metadata));
}
