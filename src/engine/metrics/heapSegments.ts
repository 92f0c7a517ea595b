import * as tf from '@tensorflow/tfjs-core';
import { wasmHeap, type Heap } from '../core/hostLoops';

/**
 * A float32 tensor of the loops' own on the wasm heap, 8-byte aligned (float64 numbers go in
 * pairs of its slots), for what a loop reads besides the rows: constants, a batch's row offsets,
 * results. Allocating it may grow the heap: make it before taking views of any heap rows.
 */
class HeapScratch {
  private constructor(
    readonly heap: Heap,
    private readonly tensor: tf.Tensor,
    /** its byte offset in the heap */
    readonly at: number,
  ) {}

  static create(floats: number): HeapScratch | null {
    const heap = wasmHeap();
    if (!heap) return null;
    const tensor = heap.output([floats]);
    const at = heap.offset(tensor);
    if (at === null || at % 8 !== 0) {
      tensor.dispose();
      return null;
    }
    return new HeapScratch(heap, tensor, at);
  }

  /** The heap's memory as it is now, or null when a view is of an older (detached) one. */
  buffer(...views: Float32Array[]): ArrayBuffer | SharedArrayBuffer | null {
    const buffer = this.heap.view(this.tensor).buffer;
    return views.every((v) => v.buffer === buffer) ? buffer : null;
  }

  dispose(): void {
    this.tensor.dispose();
  }
}

/**
 * Pass 2's staging of a batch (each row minus its class's centre, rounded to float32) as one
 * heap loop per class (hostLoops.wat `stageSegment`, four columns at a time as float64 pairs):
 * the JavaScript loop took ~90 of a ~420 ms pass over 200 000 × 512 features. The same float64
 * subtraction and rounding, so the same bits. Its scratch holds the class centres (float64)
 * and a batch's row offsets.
 */
export class HeapStaging {
  private constructor(
    private readonly scratch: HeapScratch,
    private readonly K: number,
    private readonly d: number,
  ) {}

  /** Null off the wasm heap. It allocates: make it before taking views of any heap rows. */
  static create(centres: readonly Float64Array[], d: number, maxRows: number): HeapStaging | null {
    const K = centres.length;
    const scratch = d >= 4 ? HeapScratch.create(2 * K * d + maxRows) : null;
    if (!scratch) return null;
    const f64 = new Float64Array(scratch.buffer() as ArrayBuffer, scratch.at, K * d);
    centres.forEach((c, y) => f64.set(c, y * d));
    return new HeapStaging(scratch, K, d);
  }

  /**
   * Copy a batch's row offsets in; false when `rows` or `stage` is not a view of the heap as it
   * is now (the caller then stages in JavaScript).
   */
  offsets(off: Int32Array, rows: Float32Array, stage: Float32Array): boolean {
    const buffer = this.scratch.buffer(rows, stage);
    if (!buffer) return false;
    new Int32Array(buffer, this.scratch.at + 8 * this.K * this.d, off.length).set(off);
    return true;
  }

  /** Stage class y's rows off[k0 … k1); returns the first column left to the caller. */
  stage(rows: Float32Array, stage: Float32Array, k0: number, k1: number, y: number): number {
    const { at, heap } = this.scratch;
    const d4 = this.d & ~3;
    const m = at + 8 * y * this.d;
    const off = at + 8 * this.K * this.d;
    heap.loops.stageSegment(rows.byteOffset, off, k0, k1, m, d4, stage.byteOffset);
    return d4;
  }

  dispose(): void {
    this.scratch.dispose();
  }
}

/**
 * Pass 1's per-class moments of a batch (Σ v and Σ v² per column, v = x − r, float64 in row
 * order) as one heap loop per class (hostLoops.wat `segmentMoments`, eight columns a row visit
 * as float64 pairs), the same operations in the same order as the JavaScript loop. Its scratch
 * holds the two sums, r and the batch's row offsets.
 */
export class HeapMoments {
  private constructor(
    private readonly scratch: HeapScratch,
    private readonly d: number,
  ) {}

  /** Null off the wasm heap. It allocates: make it before taking views of any heap rows. */
  static create(r: Float32Array, maxRows: number): HeapMoments | null {
    const d = r.length;
    // float64 s and q (two float32 slots a number), float32 r, then the int32 row offsets
    const scratch = d >= 4 ? HeapScratch.create(5 * d + maxRows) : null;
    if (!scratch) return null;
    new Float32Array(scratch.buffer() as ArrayBuffer, scratch.at + 16 * d, d).set(r);
    return new HeapMoments(scratch, d);
  }

  /** Copy a batch's row offsets in; false when `rows` is not a view of the heap as it is now. */
  offsets(off: Int32Array, rows: Float32Array): boolean {
    const buffer = this.scratch.buffer(rows);
    if (!buffer) return false;
    new Int32Array(buffer, this.scratch.at + 20 * this.d, off.length).set(off);
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
    const { d } = this;
    const { at, heap } = this.scratch;
    const d4 = d & ~3;
    const [s, q, r, off] = [at, at + 8 * d, at + 16 * d, at + 20 * d];
    heap.loops.segmentMoments(rows.byteOffset, off, k0, k1, r, d4, s, q);
    const sums = new Float64Array(this.scratch.buffer() as ArrayBuffer, at, 2 * d);
    for (let j = 0; j < d4; j++) {
      const sj = sums[j];
      out[so + j] = sj;
      out[qo + j] = sums[d + j] - (sj * sj) / n;
    }
    return d4;
  }

  dispose(): void {
    this.scratch.dispose();
  }
}
