// Rows of a device tensor as host float32, read without the backend's Slice kernel. On wasm the
// Slice kernel copies the WHOLE source tensor out of the heap for every call (tfjs 4.22:
// `backend.readSync(x.dataId)` before slicing), so streaming 4 096-row batches out of a 400 MB
// feature matrix cost a full copy per batch; the backend's ranged read copies only the rows asked.
import * as tf from '@tensorflow/tfjs-core';

/** The wasm backend's read, which (unlike the KernelBackend interface) takes an element range. */
interface RangedRead {
  readSync(dataId: object, start?: number, end?: number): unknown;
}

/** Whether rowsOnHost can read rows of tensors on the active backend without a full copy. */
export function canReadRowRanges(): boolean {
  return tf.getBackend() === 'wasm';
}

/**
 * Rows [start, end) of a rank-2 tensor as a new float32 array, minus `shift` per column when
 * given: row-major (rows × d), or column-major (d × rows) when `transpose`. Float32 x − r computed
 * in float64 and rounded once equals float32 x − r (float64 carries more than 2·24 + 2 bits), so
 * the shifted batch is bit-identical to `tf.sub(slice, r)` on the device.
 */
export function rowsOnHost(
  X: tf.Tensor2D,
  start: number,
  end: number,
  shift: Float32Array | null,
  transpose = false,
): Float32Array {
  if (!canReadRowRanges()) throw new Error(`rowsOnHost: not supported on ${tf.getBackend()}`);
  const d = X.shape[1];
  if (shift && shift.length !== d)
    throw new Error(`rowsOnHost: shift has ${shift.length} entries, the tensor ${d} columns`);
  const raw = (tf.backend() as unknown as RangedRead).readSync(X.dataId, start * d, end * d);
  let src: Float32Array;
  if (raw instanceof Float32Array) src = raw;
  else if (raw instanceof Int32Array || raw instanceof Uint8Array) src = Float32Array.from(raw);
  else throw new Error(`rowsOnHost: cannot read a ${X.dtype} tensor as numbers`);
  const n = end - start;
  if (!transpose) {
    if (shift)
      for (let o = 0; o < src.length; o += d) for (let j = 0; j < d; j++) src[o + j] -= shift[j];
    return src;
  }
  const out = new Float32Array(src.length);
  // blocks of rows keep the strided writes within cache
  const BLOCK = 32;
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const i1 = Math.min(n, i0 + BLOCK);
    for (let j = 0; j < d; j++) {
      const r = shift ? shift[j] : 0;
      const o = j * n;
      for (let i = i0; i < i1; i++) out[o + i] = src[i * d + j] - r;
    }
  }
  return out;
}

/** The wasm backend's heap and its table of where each tensor lives in it. */
interface WasmHeap {
  wasm?: { HEAPU8?: Uint8Array };
  dataIdMap?: { get(dataId: object): { memoryOffset?: number | null } | undefined };
}

/**
 * Rows [start, end) of a float32 tensor on wasm as a view of the wasm heap: no copy at all.
 * The view is valid only until tfjs next allocates (a growing heap detaches it), so read it at
 * once and create no tensor meanwhile. Null where no such view exists (another backend or dtype).
 */
export function rowsInPlace(X: tf.Tensor2D, start: number, end: number): Float32Array | null {
  if (!canReadRowRanges() || X.dtype !== 'float32') return null;
  const backend = tf.backend() as unknown as WasmHeap;
  const heap = backend.wasm?.HEAPU8;
  const offset = backend.dataIdMap?.get(X.dataId)?.memoryOffset;
  if (!heap || offset == null) return null;
  const d = X.shape[1];
  return new Float32Array(heap.buffer, offset + start * d * 4, (end - start) * d);
}

/** Whether rowsInPlace can read this tensor's rows (float32 on wasm). */
export const canReadInPlace = (X: tf.Tensor2D): boolean => rowsInPlace(X, 0, 0) !== null;

/**
 * The float32 mean of each column of `rows` (n rows of d), bit for bit what the wasm backend's
 * `tf.mean(X, 0)` gives: its Mean kernel sums each column in row order in float32 and divides
 * by n. (A float32 sum or quotient computed in float64 and rounded once is the float32 one.)
 * The kernel first transposes the batch with tfjs's generic Transpose (~7 ns a number): a
 * 4 096 × 512 batch cost a streaming pass ~25 ms for one reference point.
 */
export function columnMeanF32(rows: Float32Array, n: number, d: number): Float32Array {
  if (!(n >= 1) || rows.length < n * d)
    throw new Error(`columnMeanF32: need ${n} ≥ 1 rows of ${d}, got ${rows.length} numbers`);
  const sum = new Float32Array(d);
  for (let o = 0; o < n * d; o += d) for (let j = 0; j < d; j++) sum[j] += rows[o + j];
  for (let j = 0; j < d; j++) sum[j] /= n;
  return sum;
}
