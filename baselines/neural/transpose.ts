type TypedArray = Float32Array | Int32Array | Uint8Array;

/** out[p] = a[p]^T for each of `batch` row-major m x n matrices, eight rows at a time. */
export function transposeMatrices(a: TypedArray, out: TypedArray, batch: number, m: number, n: number): void {
  for (let p = 0; p < batch; p++) {
    const base = p * m * n;
    let i = 0;
    for (; i + 8 <= m; i += 8) {
      for (let j = 0; j < n; j++) {
        const o = base + j * m + i;
        const s = base + i * n + j;
        out[o] = a[s];
        out[o + 1] = a[s + n];
        out[o + 2] = a[s + 2 * n];
        out[o + 3] = a[s + 3 * n];
        out[o + 4] = a[s + 4 * n];
        out[o + 5] = a[s + 5 * n];
        out[o + 6] = a[s + 6 * n];
        out[o + 7] = a[s + 7 * n];
      }
    }
    for (; i < m; i++) for (let j = 0; j < n; j++) out[base + j * m + i] = a[base + i * n + j];
  }
}

/** A row-major rows x cols matrix, transposed into a new array. */
export function transposed(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  transposeMatrices(data, out, 1, rows, cols);
  return out;
}
