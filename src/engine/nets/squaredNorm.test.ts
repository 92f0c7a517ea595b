import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../core/backend';
import { createRng } from '../core/rng';
import { scaledSquaredNorm } from './squaredNorm';

/** Value and gradient of outer·c·Σx², by `norm` or by autodiff of the textbook phrasing. */
function valueAndGrad(x: tf.Tensor, c: number, outer: number, written: boolean) {
  return tf.tidy(() => {
    const f = (t: tf.Tensor) =>
      tf.mul(
        written ? scaledSquaredNorm(t, c) : tf.mul(tf.sum(tf.square(t)), c),
        outer,
      ) as tf.Scalar;
    const { value, grad } = tf.valueAndGrad(f)(x);
    return { value: value.dataSync()[0], grad: Array.from(grad.dataSync()) };
  });
}

describe('scaledSquaredNorm: c·Σx² with its gradient written out', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`on ${backend}: value and gradient are autodiff's to the last bit (dy 1 and 0.37)`, async () => {
      await initBackend(backend);
      const rng = createRng('squared-norm');
      const x = tf.tensor2d(
        Float32Array.from({ length: 6 * 7 }, () => rng.normal(0, 3)),
        [6, 7],
      );
      for (const [c, outer] of [
        [5e-4 / 2, 1],
        [0.013, 0.37],
      ]) {
        const want = valueAndGrad(x, c, outer, false);
        const got = valueAndGrad(x, c, outer, true);
        expect(got.value).toBe(want.value);
        expect(got.grad).toEqual(want.grad);
        // a gradient of 2c·outer·x, not zeros or x itself
        expect(got.grad[5]).toBeCloseTo(2 * c * outer * x.dataSync()[5], 6);
      }
      x.dispose();
    });
  }
});
