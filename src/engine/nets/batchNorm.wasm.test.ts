import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../core/backend';
import { createRng } from '../core/rng';
import { BN_EPS, BatchNorm, channelAffine } from './batchNorm';
import type { ForwardMode } from './layers';
import { ParamStore } from './params';

const TRAIN: ForwardMode = { training: true, updateStats: true, conv: 'forward-grads' };

/** The textbook BatchNorm, differentiated by tfjs's autodiff: what the closed form must equal. */
function reference(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const mean = tf.mean(x, axes);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), axes);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, BN_EPS))), gamma), beta);
}

function relativeError(a: Float32Array | Int32Array | Uint8Array, b: typeof a): number {
  let worst = 0;
  let scale = 1e-6;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return worst / scale;
}

/**
 * On wasm, narrow channels take the per-channel affine maps as products with diagonal matrices
 * (batchNorm.ts) and wide ones broadcast, and large enough batches sum over the batch by a
 * product with ones: every combination must give autodiff's values and gradients.
 */
describe('BatchNorm closed-form gradient on wasm', () => {
  for (const shape of [
    [6, 5, 5, 8], // diagonal products (C ≤ 32), sums by Sum
    [4, 4, 5, 32], // diagonal products, sums as products with a row of ones (C ≥ 16, n ≥ 64)
    [12, 64], // broadcasts, sums by Sum
    [80, 48], // broadcasts, sums as products
  ]) {
    it(`equals autodiff of the textbook formula in value and every gradient: input ${shape.join('×')}`, async () => {
      await initBackend('wasm');
      const C = shape[shape.length - 1];
      const rng = createRng(`bn-${shape.join('x')}`);
      const values = (n: number, mean: number, sd: number) =>
        Float32Array.from({ length: n }, () => rng.normal(mean, sd));
      const size = shape.reduce((a, b) => a * b, 1);
      const x = tf.tensor(values(size, 1.5, 2), shape);
      const r = tf.tensor(values(size, 0, 1), shape); // a random linear functional of y
      const store = new ParamStore();
      const bn = new BatchNorm(store, 'bn', C, 'backbone');
      bn.gamma.assign(tf.tensor1d(values(C, 1, 0.3)));
      bn.beta.assign(tf.tensor1d(values(C, 0, 0.5)));
      const mine = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        void g;
        void b;
        return tf.sum(tf.mul(bn.apply(a, TRAIN), r));
      });
      const ref = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(reference(a, g, b), r)),
      );
      const got = mine([x, bn.gamma, bn.beta]);
      const want = ref([x, bn.gamma, bn.beta]);
      const y = bn.apply(x, { ...TRAIN, updateStats: false });
      expect(
        relativeError(await y.data(), await reference(x, bn.gamma, bn.beta).data()),
      ).toBeLessThan(1e-5);
      for (let i = 0; i < 3; i++) {
        expect(got[i].shape).toEqual(want[i].shape);
        expect(relativeError(await got[i].data(), await want[i].data())).toBeLessThan(1e-4);
      }
      // one train-mode pass moved the running statistics (the grads call above)
      const mean = await tf.mean(tf.reshape(x, [-1, C]), 0).data();
      const running = await bn.runningMean.data();
      for (let c = 0; c < C; c++) expect(running[c]).toBeCloseTo(0.1 * mean[c], 5);
      store.dispose();
    });
  }

  it('channelAffine is x·diag(a) + b exactly, by product or broadcast', async () => {
    await initBackend('wasm');
    const x = tf.tensor2d([1.5, -2, 3, 0.25, 7, -1], [2, 3]);
    const a = tf.tensor1d([2, -0.5, 3]);
    const b = tf.tensor1d([0.1, 0.2, -0.3]);
    expect(Array.from(await channelAffine(x, a, b).data())).toEqual(
      Array.from(await tf.add(tf.mul(x, a), b).data()),
    );
    expect(Array.from(await channelAffine(x, null, b).data())).toEqual(
      Array.from(await tf.add(x, b).data()),
    );
  });
});
