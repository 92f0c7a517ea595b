import * as tf from '@tensorflow/tfjs-core';
import { heapHolding, wasmHeap } from './hostLoops';

/**
 * tᵀ on the wasm backend by the tiled loop of hostLoops.wat (an exact copy, no gradient),
 * or null where that loop cannot run (another backend, no wasm SIMD): the caller then uses
 * tf.transpose. tfjs's wasm Transpose costs 1.3–7 ns a number (7 on rows that are a multiple of
 * 256, where its reads alias in cache: 3 072 × 256 took 5.0 ms); the tiled loop 0.3–1.
 */
export function hostTranspose(t: tf.Tensor2D): tf.Tensor2D | null {
  const [rows, cols] = t.shape;
  const copy = heapCopy(t, [cols, rows]);
  if (!copy) return null;
  copy.heap.loops.transpose(copy.src, copy.dst, rows, cols, transposeTileRows(rows, cols));
  return copy.out as tf.Tensor2D;
}

/**
 * Rows of src a transpose tile takes. Tiles of 16 rows (a 64-byte line of each dst row) ran at
 * ~0.2 ns a number while dst rows were under 4 kB, and at 0.8–1.2 ns when 1 024 rows or more
 * put them a multiple of 4 kB apart (cache aliasing: seed 002's 3 072 × 256 first layer, 0.85 ms
 * of its ~5 ms step). Taller tiles write more of each dst row per visit: 64 rows for tall
 * matrices (3 072 × 256: 0.18 ns), 32 for squarish ones (2 048²: 1.06 → 0.57 ns); measured for
 * each tile on this machine (docs/speed-log.md, "A weight's product flipped").
 */
export function transposeTileRows(rows: number, cols: number): number {
  if (rows < 1024) return 16;
  return rows >= 4 * cols ? 64 : 32;
}

/**
 * A float32 tensor's place on the wasm heap and a new output of `shape` for a loop to write, or
 * null off the heap (another backend, no wasm SIMD).
 */
function heapCopy(t: tf.Tensor, shape: number[]) {
  const heap = heapHolding(t);
  if (!heap) return null;
  const src = heap.offset(t) as number;
  // Byte offsets stay valid when allocating `out` grows the heap (only the buffer changes).
  const out = heap.output(shape);
  const dst = heap.offset(out);
  if (dst === null) {
    out.dispose();
    return null;
  }
  return { heap, src, out, dst };
}

/** Whether hostTranspose runs here: the wasm backend, with wasm SIMD (wasmHeap, made once). */
export function canTransposeOnHost(): boolean {
  return wasmHeap() !== null;
}

/** What hostPermute reads of its tensor: a slice (`begin`, `size`), some axes back to front. */
export interface PermuteRead {
  begin?: readonly number[];
  size?: readonly number[];
  /** axes of the input read from their last index to their first (tf.reverse) */
  reverse?: readonly number[];
}

/**
 * tf.transpose(tf.reverse(tf.slice(t, begin, size), reverse), perm) on the wasm backend by the
 * permute4 loop of hostLoops.wat (an exact copy, no gradient; up to four axes), or null where
 * that loop cannot run: the caller then uses tf. The convolutions' gradients (conv.ts) rearrange
 * their input, dy, filter and filter gradient so on every step: 60 Transpose kernels, 3.3–5.4 ms
 * of ResNet18 ⅛'s step, and a read-back of every filter.
 */
export function hostPermute(
  t: tf.Tensor,
  perm: readonly number[],
  { begin = t.shape.map(() => 0), size = t.shape, reverse = [] }: PermuteRead = {},
): tf.Tensor | null {
  if (t.rank > 4 || perm.length !== t.rank) return null;
  const copy = heapCopy(
    t,
    perm.map((axis) => size[axis]),
  );
  if (!copy) return null;
  if (swapsEnds(t, perm, begin, size, reverse)) {
    const [n, h, w, c] = t.shape;
    copy.heap.loops.batchedTranspose(copy.src, copy.dst, n, h * w, c);
    return copy.out;
  }
  // a reversed axis starts at its last index and steps back
  const strides = t.shape.map((_, i) => {
    const stride = t.shape.slice(i + 1).reduce((a, b) => a * b, 1);
    return reverse.includes(i) ? -stride : stride;
  });
  const first = begin.reduce(
    (at, b, i) => at + (reverse.includes(i) ? b + size[i] - 1 : b) * Math.abs(strides[i]),
    0,
  );
  // leading axes of one number pad the shape to four
  const ones = Array<number>(4 - t.rank).fill(1);
  const [d0, d1, d2, d3] = [...ones, ...copy.out.shape];
  const [s0, s1, s2, s3] = [...ones.map(() => 0), ...perm.map((axis) => strides[axis])];
  copy.heap.loops.permute4(copy.src + 4 * first, copy.dst, d0, d1, d2, d3, s0, s1, s2, s3);
  return copy.out;
}

/**
 * A whole 4-D tensor with its first and last axes swapped ([3, 1, 2, 0]: a convolution's input
 * NHWC as [C, H, W, N] for its filter gradient). permute4 gathers that a number at a time
 * (0.8–2 ns each); batchedTranspose moves blocks of 4 × 4 through registers.
 */
function swapsEnds(
  t: tf.Tensor,
  perm: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  reverse: readonly number[],
): boolean {
  const whole = begin.every((b) => b === 0) && size.every((s, i) => s === t.shape[i]);
  // fewer than four channels would be all ragged edge: permute4 is faster there
  return (
    t.rank === 4 &&
    (t.shape[3] ?? 0) >= 4 &&
    whole &&
    reverse.length === 0 &&
    perm.join() === '3,1,2,0'
  );
}
