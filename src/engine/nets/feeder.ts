import * as tf from '@tensorflow/tfjs-core';
import type { PreparedData } from '../data/types';

export type SplitName = 'train' | 'val' | 'test';

/** Keep a whole split on the device when it holds at most this many floats (128 MB). */
export const DEVICE_CACHE_FLOATS = 32 * 1024 * 1024;

/**
 * Model inputs of one split as tensors: the whole split uploaded once when it is small enough
 * (then a batch is a gather, or the cache itself for an identity-ordered full batch), otherwise
 * each batch filled on the host (`PreparedData.fill`) and uploaded.
 */
export class SplitFeeder {
  private cache: tf.Tensor2D | null = null;

  constructor(
    private readonly data: PreparedData,
    readonly split: SplitName,
    cacheFloats = DEVICE_CACHE_FLOATS,
  ) {
    const n = data[split].n;
    if (n > 0 && n * data.inputSize <= cacheFloats) {
      const all = new Float32Array(n * data.inputSize);
      data.fill(
        split,
        Int32Array.from({ length: n }, (_, i) => i),
        all,
      );
      this.cache = tf.tensor2d(all, [n, data.inputSize]);
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
      data.fill(this.split, rows, buffer);
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
  }
}

function isIdentity(rows: Int32Array, n: number): boolean {
  if (rows.length !== n) return false;
  for (let i = 0; i < n; i++) if (rows[i] !== i) return false;
  return true;
}
