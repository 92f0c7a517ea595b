import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../core/rng';

/** A tensor of standard normal numbers drawn from `seed` (the same every run). */
export function normalTensor(shape: number[], seed: number): tf.Tensor {
  const rng = createRng(seed);
  const n = tf.util.sizeFromShape(shape);
  return tf.tensor(
    Float32Array.from({ length: n }, () => rng.normal(0, 1)),
    shape,
  );
}

/** A rows × cols matrix of standard normal numbers drawn from `seed` (the same every run). */
export function normalMatrix(rows: number, cols: number, seed: number): tf.Tensor2D {
  return normalTensor([rows, cols], seed) as tf.Tensor2D;
}
