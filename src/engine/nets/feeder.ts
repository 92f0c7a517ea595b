import * as tf from '@tensorflow/tfjs-core';
import type { PreparedData } from '../data/types';

export type SplitName = 'train' | 'val' | 'test';

/** Keep a whole split in memory when it holds at most this many floats (128 MB). */
export const DEVICE_CACHE_FLOATS = 32 * 1024 * 1024;

/**
 * Backends whose tensors live in the page's own memory: a batch is cheaper copied row by row on
 * the host and uploaded (a memcpy) than gathered by a kernel. wasm's GatherV2 indexes element by
 * element: 128 rows of a [1024, 3072] split took 12–17 ms against ~1 ms for copying the rows
 * and uploading them (Node wasm, this machine), 8 % of seed 000's MLP step.
 */
const HOST_GATHER_BACKENDS = new Set(['wasm', 'cpu']);

/**
 * Model inputs of one split as tensors. A split small enough is filled once (`PreparedData.fill`)
 * and kept: on a GPU backend as one tensor (a batch is a gather, or the tensor itself for an
 * identity-ordered full batch), on wasm / cpu as floats on the host (a batch is its rows copied
 * and uploaded). A larger split fills each batch on the host.
 */
export class SplitFeeder {
  private cache: tf.Tensor2D | null = null;
  private hostCache: Float32Array | null = null;

  constructor(
    private readonly data: PreparedData,
    readonly split: SplitName,
    cacheFloats = DEVICE_CACHE_FLOATS,
    backend = tf.getBackend(),
  ) {
    const n = data[split].n;
    if (n > 0 && n * data.inputSize <= cacheFloats) {
      const all = new Float32Array(n * data.inputSize);
      data.fill(
        split,
        Int32Array.from({ length: n }, (_, i) => i),
        all,
      );
      if (HOST_GATHER_BACKENDS.has(backend)) this.hostCache = all;
      else this.cache = tf.tensor2d(all, [n, data.inputSize]);
    }
  }

  /** Inputs [rows, …inputShape or flat] of the given rows. Call inside tf.tidy. */
  inputs(rows: Int32Array, image: boolean): tf.Tensor {
    const { data } = this;
    let flat: tf.Tensor2D;
    if (this.cache) {
      flat = isIdentity(rows, this.cache.shape[0]) ? this.cache : tf.gather(this.cache, rows);
    } else {
      const buffer = new Float32Array(rows.length * data.inputSize);
      if (this.hostCache) copyRows(this.hostCache, data.inputSize, rows, buffer);
      else data.fill(this.split, rows, buffer);
      flat = tf.tensor2d(buffer, [rows.length, data.inputSize]);
    }
    return image ? tf.reshape(flat, [rows.length, ...data.inputShape]) : flat;
  }

  /** The split's labels of the given rows (int32). */
  labels(rows: Int32Array): tf.Tensor1D {
    const all = this.data[this.split].labels;
    return tf.tensor1d(
      Int32Array.from(rows, (r) => all[r]),
      'int32',
    );
  }

  dispose(): void {
    this.cache?.dispose();
    this.cache = null;
    this.hostCache = null;
  }
}

function copyRows(all: Float32Array, size: number, rows: Int32Array, out: Float32Array): void {
  const n = all.length / size;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!Number.isInteger(r) || r < 0 || r >= n) {
      throw new Error(`feeder: row ${r} out of range (the split has ${n} samples)`);
    }
    out.set(all.subarray(r * size, (r + 1) * size), i * size);
  }
}

function isIdentity(rows: Int32Array, n: number): boolean {
  if (rows.length !== n) return false;
  for (let i = 0; i < n; i++) if (rows[i] !== i) return false;
  return true;
}
