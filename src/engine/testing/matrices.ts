import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../core/rng';

/** A rows × cols matrix of standard normal numbers drawn from `seed` (the same every run). */
export function normalMatrix(rows: number, cols: number, seed: number): tf.Tensor2D {
  const rng = createRng(seed);
  return tf.tensor2d(
    Float32Array.from({ length: rows * cols }, () => rng.normal(0, 1)),
    [rows, cols],
  );
}
