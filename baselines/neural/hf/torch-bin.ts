import { InputError } from '../../../harness/util/errors.ts';
import { ACCEPTS_STATE, PickleCallable, unpickle } from './pickle.ts';
import { BYTES_PER_ELEMENT, decodeTensorData, type RawTensor } from './safetensors.ts';
import { ZipReader } from './zip.ts';

/** torch's legacy typed storages -> safetensors dtype names. */
const STORAGE_DTYPES: Record<string, string> = {
  FloatStorage: 'F32',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  DoubleStorage: 'F64',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};

class StorageType {
  constructor(readonly dtype: string) {}
}

interface StorageRef {
  dtype: string;
  key: string;
  numel: number;
}

class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
}

const ALLOWED =
  'torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter, torch.*Storage, collections.OrderedDict';

/**
 * Reads a PyTorch checkpoint (`torch.save(state_dict)`, the zip format of torch >= 1.6, e.g.
 * pytorch_model.bin) without Python: the pickle is interpreted by a restricted unpickler
 * (pickle.ts) that allows only tensors, their storages and OrderedDict, so a malicious file is
 * refused with the offending global named instead of running anything. Tensors are returned by
 * name, float32 (F32 / F16 / BF16 / F64 storages) or int32 (integer and bool storages), with
 * storage offsets and strides honoured; storages shared by several tensors are read once.
 */
export function readTorchCheckpoint(path: string): Map<string, RawTensor> {
  const zip = openTorchZip(path);
  try {
    const pkl = zip.names().find((name) => /^[^/]+\/data\.pkl$/.test(name));
    if (!pkl) throw new InputError('no <archive>/data.pkl entry: not a torch.save zip', path);
    const root = pkl.slice(0, -'data.pkl'.length);
    if (zip.entries.has(`${root}byteorder`)) {
      const order = new TextDecoder().decode(zip.read(`${root}byteorder`)).trim();
      if (order !== 'little') throw new InputError(`byte order "${order}" is not supported`, path);
    }
    const state = unpickle(zip.read(pkl), { global: allowGlobal, persistentLoad: storageFromId }, path);
    if (!(state instanceof Map))
      throw new InputError('the pickle is not a dict of tensors (a state dict)', path);
    const storages = new Map<string, Float32Array | Int32Array>();
    const tensors = new Map<string, RawTensor>();
    for (const [name, value] of state) {
      if (typeof name !== 'string')
        throw new InputError(`state dict key ${String(name)} is not a string`, path);
      if (!(value instanceof TensorRef))
        throw new InputError(`state dict entry "${name}" is not a tensor (only tensors are read)`, path);
      const { storage } = value;
      let data = storages.get(storage.key);
      if (!data) {
        const bytes = zip.read(`${root}data/${storage.key}`);
        if (bytes.length < storage.numel * BYTES_PER_ELEMENT[storage.dtype])
          throw new InputError(
            `storage ${storage.key} holds fewer bytes than its ${storage.numel} elements`,
            path,
          );
        data = decodeTensorData(bytes, 0, storage.numel, storage.dtype);
        storages.set(storage.key, data);
      }
      tensors.set(name, { shape: value.shape, dtype: storage.dtype, data: view(value, data, name, path) });
    }
    return tensors;
  } finally {
    zip.close();
  }
}

function openTorchZip(path: string): ZipReader {
  try {
    return new ZipReader(path);
  } catch (error) {
    if (error instanceof InputError && /not a readable zip/.test(error.message)) {
      throw new InputError(
        'not a torch zip checkpoint (legacy torch < 1.6 files are not supported: re-save them with a recent torch or as safetensors)',
        path,
      );
    }
    throw error;
  }
}

function allowGlobal(module: string, name: string): unknown {
  const qualified = `${module}.${name}`;
  if (qualified === 'collections.OrderedDict') {
    return new PickleCallable(qualified, (args) => {
      if (args.length > 0) throw new Error('OrderedDict with arguments is not allowed');
      return Object.assign(new Map(), { [ACCEPTS_STATE]: true });
    });
  }
  if (qualified === 'torch._utils._rebuild_tensor_v2') {
    return new PickleCallable(qualified, ([storage, offset, size, stride]) => {
      const ints = (v: unknown) => Array.isArray(v) && v.every((x) => Number.isInteger(x));
      if (!isStorage(storage) || !Number.isInteger(offset) || !ints(size) || !ints(stride))
        throw new Error('_rebuild_tensor_v2 with unexpected arguments');
      return new TensorRef(storage, offset as number, size as number[], stride as number[]);
    });
  }
  if (qualified === 'torch._utils._rebuild_parameter') {
    return new PickleCallable(qualified, ([data]) => {
      if (!(data instanceof TensorRef)) throw new Error('_rebuild_parameter without a tensor');
      return data;
    });
  }
  if (module === 'torch' && STORAGE_DTYPES[name]) return new StorageType(STORAGE_DTYPES[name]);
  throw new Error(`refused global ${qualified}: only tensors are allowed (${ALLOWED})`);
}

function isStorage(value: unknown): value is StorageRef {
  return typeof value === 'object' && value !== null && 'key' in value && 'dtype' in value;
}

/** ('storage', torch.FloatStorage, key, location, numel) -> a storage reference. */
function storageFromId(pid: unknown): StorageRef {
  if (!Array.isArray(pid) || pid[0] !== 'storage' || !(pid[1] instanceof StorageType))
    throw new Error(`persistent id ${JSON.stringify(pid)} is not a storage`);
  const [, type, key, , numel] = pid;
  if (typeof key !== 'string' || !/^[\w.-]+$/.test(key) || !Number.isInteger(numel))
    throw new Error('malformed storage persistent id');
  return { dtype: type.dtype, key, numel };
}

/** The tensor's elements in row-major order, from its storage, offset and strides. */
function view(tensor: TensorRef, storage: Float32Array | Int32Array, name: string, path: string) {
  const { shape, stride, offset } = tensor;
  const size = shape.reduce((a, b) => a * b, 1);
  let last = offset;
  for (let i = 0; i < shape.length; i++) if (shape[i] > 0) last += (shape[i] - 1) * stride[i];
  if (shape.length !== stride.length || (size > 0 && (offset < 0 || last >= storage.length)))
    throw new InputError(`tensor "${name}" reaches outside its storage`, path);
  let contiguous = true;
  for (let i = shape.length - 1, expected = 1; i >= 0; i--) {
    if (shape[i] !== 1 && stride[i] !== expected) contiguous = false;
    expected *= shape[i];
  }
  if (contiguous) return storage.slice(offset, offset + size);
  const out = storage instanceof Float32Array ? new Float32Array(size) : new Int32Array(size);
  const index = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < size; k++) {
    let at = offset;
    for (let i = 0; i < shape.length; i++) at += index[i] * stride[i];
    out[k] = storage[at];
    for (let i = shape.length - 1; i >= 0; i--) {
      if (++index[i] < shape[i]) break;
      index[i] = 0;
    }
  }
  return out;
}
