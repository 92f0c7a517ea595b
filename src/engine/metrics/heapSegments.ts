import * as tf from '@tensorflow/tfjs-core';
import { wasmHeap, type Heap } from '../core/hostLoops';

/**
 * Pass 2's staging of a batch (each row minus its class's centre, rounded to float32) as one
 * heap loop per class (hostLoops.wat `stageSegment`, four columns at a time as float64 pairs):
 * the JavaScript loop took ~90 of a ~420 ms pass over 200 000 × 512 features. The same float64
 * subtraction and rounding, so the same bits. Holds the class centres (float64) and a batch's
 * row offsets in a scratch tensor of its own on the heap.
 */
export class HeapStaging {
  private constructor(
    private readonly heap: Heap,
    private readonly scratch: tf.Tensor,
    private readonly at: number,
    private readonly K: number,
    private readonly d: number,
  ) {}

  /** Null off the wasm heap. It allocates: make it before taking views of any heap rows. */
  static create(centres: readonly Float64Array[], d: number, maxRows: number): HeapStaging | null {
    const heap = wasmHeap();
    if (!heap || d < 4) return null;
    const K = centres.length;
    // the float64 centres (two float32 slots each), then the batch's int32 row offsets
    const scratch = heap.output([2 * K * d + maxRows]);
    const at = heap.offset(scratch);
    if (at === null || at % 8 !== 0) {
      scratch.dispose();
      return null;
    }
    const staging = new HeapStaging(heap, scratch, at, K, d);
    const f64 = new Float64Array(heap.view(scratch).buffer, at, K * d);
    centres.forEach((c, y) => f64.set(c, y * d));
    return staging;
  }

  /**
   * Copy a batch's row offsets in; false when `rows` or `stage` is not a view of the heap as it
   * is now (the caller then stages in JavaScript).
   */
  offsets(off: Int32Array, rows: Float32Array, stage: Float32Array): boolean {
    const buffer = this.heap.view(this.scratch).buffer;
    if (rows.buffer !== buffer || stage.buffer !== buffer) return false;
    new Int32Array(buffer, this.at + 8 * this.K * this.d, off.length).set(off);
    return true;
  }

  /** Stage class y's rows off[k0 … k1); returns the first column left to the caller. */
  stage(rows: Float32Array, stage: Float32Array, k0: number, k1: number, y: number): number {
    const d4 = this.d & ~3;
    const m = this.at + 8 * y * this.d;
    const off = this.at + 8 * this.K * this.d;
    this.heap.loops.stageSegment(rows.byteOffset, off, k0, k1, m, d4, stage.byteOffset);
    return d4;
  }

  dispose(): void {
    this.scratch.dispose();
  }
}

/**
 * Pass 1's per-class moments of a batch (Σ v and Σ v² per column, v = x − r, float64 in row
 * order) as one heap loop per class (hostLoops.wat `segmentMoments`, eight columns a row visit
 * as float64 pairs), the same operations in the same order as the JavaScript loop. Holds r, the
 * batch's row offsets and the two sums in a scratch tensor of its own on the heap.
 */
export class HeapMoments {
  private constructor(
    private readonly heap: Heap,
    private readonly scratch: tf.Tensor,
    private readonly at: number,
    private readonly d: number,
  ) {}

  /** Null off the wasm heap. It allocates: make it before taking views of any heap rows. */
  static create(r: Float32Array, maxRows: number): HeapMoments | null {
    const heap = wasmHeap();
    const d = r.length;
    if (!heap || d < 4) return null;
    // float64 s and q (two float32 slots a number), float32 r, then the int32 row offsets
    const scratch = heap.output([5 * d + maxRows]);
    const at = heap.offset(scratch);
    if (at === null || at % 8 !== 0) {
      scratch.dispose();
      return null;
    }
    new Float32Array(heap.view(scratch).buffer, at + 16 * d, d).set(r);
    return new HeapMoments(heap, scratch, at, d);
  }

  /** Copy a batch's row offsets in; false when `rows` is not a view of the heap as it is now. */
  offsets(off: Int32Array, rows: Float32Array): boolean {
    const buffer = this.heap.view(this.scratch).buffer;
    if (rows.buffer !== buffer) return false;
    new Int32Array(buffer, this.at + 20 * this.d, off.length).set(off);
    return true;
  }

  /**
   * out[so + j] = Σ v and out[qo + j] = Σ v² − (Σ v)²/n over rows off[k0 … k1), for the
   * columns the loop takes; returns the first column left to the caller.
   */
  moments(
    rows: Float32Array,
    k0: number,
    k1: number,
    n: number,
    out: Float64Array,
    so: number,
    qo: number,
  ): number {
    const { d, at } = this;
    const d4 = d & ~3;
    this.heap.loops.segmentMoments(
      rows.byteOffset,
      at + 20 * d,
      k0,
      k1,
      at + 16 * d,
      d4,
      at,
      at + 8 * d,
    );
    const sums = new Float64Array(this.heap.view(this.scratch).buffer, at, 2 * d);
    for (let j = 0; j < d4; j++) {
      const s = sums[j];
      out[so + j] = s;
      out[qo + j] = sums[d + j] - (s * s) / n;
    }
    return d4;
  }

  dispose(): void {
    this.scratch.dispose();
  }
}
