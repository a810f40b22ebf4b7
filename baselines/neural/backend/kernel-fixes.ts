import * as tf from '@tensorflow/tfjs';
import { transposeMatrices } from '../transpose.ts';

/**
 * Kernel overrides that make training practical on the tfjs CPU backends (measured in the
 * toolchain research, section 2 and appendix A):
 * - wasm has no UnsortedSegmentSum, so the gradient of tf.gather (every embedding lookup) throws;
 *   cpu has one, but it is O(segments x rows) and took minutes and gigabytes per step.
 *   Both get a plain scatter-add.
 * - wasm runs BatchMatMul with transposeA/transposeB on a slow path (0.3-0.9 GFLOP/s instead of
 *   ~15): every backward pass of a matMul uses one. The override transposes explicitly first,
 *   runs batched products (attention) slice by slice on XNNPACK instead of wasm's naive loop,
 *   and guards XNNPACK's operator cache against reshaped operands (see installWasmMatMul).
 * - wasm's Slice copies ~7M values/s: a slice that is one contiguous run of memory (a block of
 *   rows, a piece of a flat vector) becomes a plain copy; likewise GatherV2 along the first
 *   axis (every embedding lookup: 1024 rows of 128 took ~4 ms) becomes row copies.
 * Installed once per backend; returns the names of the fixes in place, for the run record.
 */
const installed = new Map<string, string[]>();

type TypedArray = Float32Array | Int32Array | Uint8Array;

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): TypedArray;
  disposeData(dataId: unknown): boolean;
  dataIdMap: { get(dataId: unknown): { id: number; memoryOffset: number } };
  wasm: {
    cwrap(name: string, returns: null, args: string[]): (...args: unknown[]) => void;
    tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void };
  };
}

interface CpuBackendLike {
  readSync(dataId: unknown): TypedArray;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: TypedArray): tf.TensorInfo;
}

export function installKernelFixes(backendName: string): string[] {
  const done = installed.get(backendName);
  if (done) return done;
  const fixes: string[] = [];
  if (backendName === 'wasm') {
    replaceKernel('UnsortedSegmentSum', 'wasm', wasmUnsortedSegmentSum);
    fixes.push('UnsortedSegmentSum:scatter-add');
    installWasmMatMul();
    fixes.push(
      'BatchMatMul:explicit-transpose',
      'BatchMatMul:batched-per-slice',
      'BatchMatMul:xnn-cache-guard',
    );
    installWasmContiguousSlice();
    fixes.push('Slice:contiguous-copy');
    installWasmRowGather();
    fixes.push('GatherV2:row-copy');
  } else if (backendName === 'cpu') {
    replaceKernel('UnsortedSegmentSum', 'cpu', cpuUnsortedSegmentSum);
    fixes.push('UnsortedSegmentSum:scatter-add');
  }
  installed.set(backendName, fixes);
  return fixes;
}

/**
 * Re-registers a wasm kernel with `kernelFunc`, which may hand a call on to the original (kept
 * with its setupFunc, which the wasm backend needs to bind its C++ function).
 */
function overrideWasmKernel(
  kernelName: string,
  kernelFunc: (args: Parameters<tf.KernelFunc>[0], original: tf.KernelFunc) => tf.TensorInfo,
): void {
  const original = tf.getKernel(kernelName, 'wasm');
  if (!original) throw new Error(`the wasm backend lacks ${kernelName}`);
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({
    kernelName,
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    kernelFunc: (args) => kernelFunc(args, original.kernelFunc),
  });
}

function replaceKernel(kernelName: string, backendName: string, kernelFunc: tf.KernelFunc): void {
  if (tf.getKernel(kernelName, backendName)) tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({ kernelName, backendName, kernelFunc });
}

/** out[segmentIds[i]] += x[i] over the first axis; ids outside [0, numSegments) are skipped, as in TF. */
function scatterAdd(
  x: TypedArray,
  ids: TypedArray,
  inner: number,
  numSegments: number,
  out: TypedArray,
): void {
  out.fill(0);
  for (let i = 0; i < ids.length; i++) {
    const segment = ids[i];
    if (segment < 0 || segment >= numSegments) continue;
    const from = i * inner;
    const to = segment * inner;
    for (let j = 0; j < inner; j++) out[to + j] += x[from + j];
  }
}

function segmentSumShape(x: tf.TensorInfo, numSegments: number): { shape: number[]; inner: number } {
  const rest = x.shape.slice(1);
  return { shape: [numSegments, ...rest], inner: rest.reduce((a, b) => a * b, 1) };
}

const wasmUnsortedSegmentSum: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as WasmBackendLike;
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const { shape, inner } = segmentSumShape(x, numSegments);
  // Allocate first: growing the wasm heap would detach views taken earlier.
  const out = be.makeOutput(shape, x.dtype);
  scatterAdd(
    be.typedArrayFromHeap(x),
    be.typedArrayFromHeap(segmentIds),
    inner,
    numSegments,
    be.typedArrayFromHeap(out),
  );
  return out;
};

const cpuUnsortedSegmentSum: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as CpuBackendLike;
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const { shape, inner } = segmentSumShape(x, numSegments);
  const values =
    x.dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
  scatterAdd(be.readSync(x.dataId), be.readSync(segmentIds.dataId), inner, numSegments, values);
  return be.makeTensorInfo(shape, x.dtype, values);
};

function installWasmMatMul(): void {
  // wasm's own Transpose moves ~130M values/s on a matrix (1 ms for 1024 x 128): the
  // JavaScript tile loop below is several times faster, and every backward matMul needs one.
  const swapLastTwo = (t: tf.TensorInfo, backend: object): tf.TensorInfo => {
    const be = backend as WasmBackendLike;
    const [m, n] = t.shape.slice(-2);
    const out = be.makeOutput([...t.shape.slice(0, -2), n, m], t.dtype);
    transposeMatrices(be.typedArrayFromHeap(t), be.typedArrayFromHeap(out), batchOf(t), m, n);
    return out;
  };
  // XNNPACK's fully-connected operator is cached by b's tensor id and keeps b's shape from its
  // first use, but a reshape shares the id: the same data used as b with another shape would
  // silently reuse the stale operator. Such a b is copied to a fresh tensor first.
  const shapeOfB = new WeakMap<object, string>();
  // Kernels registered after the backend started get no setupFunc call: set up from here.
  const backend = tf.findBackend('wasm') as unknown as WasmBackendLike | null;
  const sliceMatMul = backend ? xnnSliceMatMul(backend) : undefined;
  overrideWasmKernel('BatchMatMul', ({ inputs, backend, attrs }, original) => {
    const be = backend as unknown as WasmBackendLike;
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    let { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const temporaries: tf.TensorInfo[] = [];
    if (transposeA) {
      a = swapLastTwo(a, backend);
      temporaries.push(a);
    }
    if (transposeB) {
      b = swapLastTwo(b, backend);
      temporaries.push(b);
    }
    let out: tf.TensorInfo;
    if (batchOf(a) > 1 || batchOf(b) > 1) {
      out = sliceMatMul ? sliceMatMul(a, b, be) : jsBatchMatMul(a, b, be);
    } else {
      const key = b.shape.slice(-2).join('x');
      const seen = shapeOfB.get(b.dataId);
      if (seen !== undefined && seen !== key) {
        b = copyTensor(b, be);
        temporaries.push(b);
      }
      shapeOfB.set(b.dataId, key);
      out = original({
        inputs: { a, b },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      }) as tf.TensorInfo;
    }
    for (const t of temporaries) be.disposeData(t.dataId);
    return out;
  });
}

function batchOf(t: tf.TensorInfo): number {
  return t.shape.slice(0, -2).reduce((x, y) => x * y, 1);
}

/**
 * Batched [.., M, K] @ [.., K, N] as one XNNPACK product per batch element: each slice is
 * registered with the wasm module as a temporary tensor that points into the batched buffer (no
 * copy), multiplied on the fast path, and unregistered (which also drops XNNPACK's cached
 * operator). Several times faster than the backend's own batched loop for attention-sized
 * slices. Uses tfjs-backend-wasm 4.22 internals (cwrap'd BatchMatMul, register_tensor); returns
 * undefined when they are not there, and the JavaScript kernel is used instead.
 */
function xnnSliceMatMul(
  be: WasmBackendLike,
): ((a: tf.TensorInfo, b: tf.TensorInfo, be: WasmBackendLike) => tf.TensorInfo) | undefined {
  const module = be.wasm;
  if (typeof module?.cwrap !== 'function' || typeof module.tfjs?.registerTensor !== 'function')
    return undefined;
  const matMul = module.cwrap('BatchMatMul', null, [
    'number',
    'array',
    'number',
    'number',
    'array',
    'number',
    'number',
    'number',
    'number',
  ]);
  // ids far above the backend's own counter
  let nextId = 0x40000000;
  const temporary = (offset: number, size: number) => {
    const id = nextId++;
    if (nextId > 0x7ffffff0) nextId = 0x40000000;
    module.tfjs.registerTensor(id, size, offset);
    return id;
  };
  const shapeBytes = (shape: number[]) => new Uint8Array(new Int32Array(shape).buffer);
  return (a, b, backend) => {
    const { m, k, n, batchA, batchB, batch, outShape } = batchedProduct(a, b);
    const out = backend.makeOutput(outShape, 'float32');
    const aOffset = backend.dataIdMap.get(a.dataId).memoryOffset;
    const bOffset = backend.dataIdMap.get(b.dataId).memoryOffset;
    const outOffset = backend.dataIdMap.get(out.dataId).memoryOffset;
    const aShape = shapeBytes([1, m, k]);
    const bShape = shapeBytes([1, k, n]);
    for (let p = 0; p < batch; p++) {
      const ids = [
        temporary(aOffset + (batchA === 1 ? 0 : p * m * k * 4), m * k),
        temporary(bOffset + (batchB === 1 ? 0 : p * k * n * 4), k * n),
        temporary(outOffset + p * m * n * 4, m * n),
      ];
      matMul(ids[0], aShape, 3, ids[1], bShape, 3, 0, 0, ids[2]);
      for (const id of ids) module.tfjs.disposeData(id);
    }
    return out;
  };
}

/** Shapes of a batched [.., M, K] @ [.., K, N] where a batch of 1 on either side is broadcast. */
function batchedProduct(a: tf.TensorInfo, b: tf.TensorInfo) {
  const [m, k] = a.shape.slice(-2);
  const n = b.shape[b.shape.length - 1];
  const batchA = batchOf(a);
  const batchB = batchOf(b);
  const batch = Math.max(batchA, batchB);
  if (
    (batchA !== batch && batchA !== 1) ||
    (batchB !== batch && batchB !== 1) ||
    b.shape[b.shape.length - 2] !== k
  ) {
    throw new Error(`BatchMatMul: cannot multiply [${a.shape}] by [${b.shape}]`);
  }
  const outShape = [...(batchA === batch ? a : b).shape.slice(0, -2), m, n];
  return { m, k, n, batchA, batchB, batch, outShape };
}

function copyTensor(t: tf.TensorInfo, be: WasmBackendLike): tf.TensorInfo {
  const copy = be.makeOutput([...t.shape], t.dtype);
  be.typedArrayFromHeap(copy).set(be.typedArrayFromHeap(t));
  return copy;
}

/**
 * Batched [.., M, K] @ [.., K, N] in JavaScript, four rows of a at a time: about twice the
 * speed of the wasm backend's batched fallback (a naive blocked loop at ~0.7 GFLOP/s) for
 * attention-sized products. A batch of 1 on either side is broadcast.
 */
function jsBatchMatMul(a: tf.TensorInfo, b: tf.TensorInfo, be: WasmBackendLike): tf.TensorInfo {
  const { m, k, n, batchA, batchB, batch, outShape } = batchedProduct(a, b);
  const out = be.makeOutput(outShape, 'float32');
  const av = be.typedArrayFromHeap(a) as Float32Array;
  const bv = be.typedArrayFromHeap(b) as Float32Array;
  const cv = be.typedArrayFromHeap(out) as Float32Array;
  cv.fill(0);
  for (let p = 0; p < batch; p++) {
    const ao = batchA === 1 ? 0 : p * m * k;
    const bo = batchB === 1 ? 0 : p * k * n;
    const co = p * m * n;
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const c0 = co + i * n;
      const c1 = c0 + n;
      const c2 = c1 + n;
      const c3 = c2 + n;
      const r0 = ao + i * k;
      for (let kk = 0; kk < k; kk++) {
        const a0 = av[r0 + kk];
        const a1 = av[r0 + k + kk];
        const a2 = av[r0 + 2 * k + kk];
        const a3 = av[r0 + 3 * k + kk];
        const br = bo + kk * n;
        for (let j = 0; j < n; j++) {
          const x = bv[br + j];
          cv[c0 + j] += a0 * x;
          cv[c1 + j] += a1 * x;
          cv[c2 + j] += a2 * x;
          cv[c3 + j] += a3 * x;
        }
      }
    }
    for (; i < m; i++) {
      const c0 = co + i * n;
      for (let kk = 0; kk < k; kk++) {
        const a0 = av[ao + i * k + kk];
        const br = bo + kk * n;
        for (let j = 0; j < n; j++) cv[c0 + j] += a0 * bv[br + j];
      }
    }
  }
  return out;
}

/**
 * The [offset, length] of a slice that is one contiguous run of x's memory, or undefined:
 * true when every axis before the first one of extent > 1 has extent 1 and every axis after it
 * is taken whole (row-major layout).
 */
export function contiguousRun(
  shape: number[],
  begin: number[],
  size: number[],
): [number, number] | undefined {
  const extent = size.map((s, i) => (s === -1 ? shape[i] - begin[i] : s));
  const first = extent.findIndex((s) => s !== 1);
  for (let i = first + 1; first >= 0 && i < shape.length; i++) if (extent[i] !== shape[i]) return undefined;
  let stride = 1;
  let offset = 0;
  for (let i = shape.length - 1; i >= 0; i--) {
    offset += begin[i] * stride;
    stride *= shape[i];
  }
  return [offset, extent.reduce((a, b) => a * b, 1)];
}

function installWasmContiguousSlice(): void {
  overrideWasmKernel('Slice', (args, original) => {
    const { inputs, backend, attrs } = args;
    const x = (inputs as { x: tf.TensorInfo }).x;
    const { begin, size } = attrs as unknown as { begin: number[]; size: number[] };
    const run = x.dtype === 'string' ? undefined : contiguousRun(x.shape, begin, size);
    if (!run) return original(args) as tf.TensorInfo;
    const be = backend as unknown as WasmBackendLike;
    const out = be.makeOutput(
      size.map((s, i) => (s === -1 ? x.shape[i] - begin[i] : s)),
      x.dtype,
    );
    be.typedArrayFromHeap(out).set(be.typedArrayFromHeap(x).subarray(run[0], run[0] + run[1]));
    return out;
  });
}

function installWasmRowGather(): void {
  overrideWasmKernel('GatherV2', (args, original) => {
    const { inputs, backend, attrs } = args;
    const { x, indices } = inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = attrs as unknown as { axis: number; batchDims: number };
    if (axis !== 0 || (batchDims ?? 0) !== 0 || x.dtype === 'string' || indices.dtype !== 'int32')
      return original(args) as tf.TensorInfo;
    const be = backend as unknown as WasmBackendLike;
    const rows = x.shape[0];
    const width = x.shape.slice(1).reduce((a, b) => a * b, 1);
    const out = be.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
    const source = be.typedArrayFromHeap(x);
    const target = be.typedArrayFromHeap(out);
    const ids = be.typedArrayFromHeap(indices);
    for (let i = 0; i < ids.length; i++) {
      const row = ids[i];
      if (row < 0 || row >= rows) {
        be.disposeData(out.dataId);
        throw new Error(`GatherV2: the index value ${row} is not in [0, ${rows - 1}]`);
      }
      target.set(source.subarray(row * width, (row + 1) * width), i * width);
    }
    return out;
  });
}
