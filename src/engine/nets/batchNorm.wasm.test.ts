import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import { initBackend } from '../core/backend';
import { createRng } from '../core/rng';
import { BN_EPS, BatchNorm, channelAffine } from './batchNorm';
import type { ForwardMode } from './layers';
import { ParamStore } from './params';

// Each case runs twice: on the heap loops (batchNormHeap.ts, wasm's default) and on tfjs's
// kernels (the path where the loops cannot run: wasm without SIMD).
const paths = vi.hoisted(() => ({ heap: true }));
vi.mock('../core/hostLoops', async (importOriginal) => {
  const mod = await importOriginal<typeof import('../core/hostLoops')>();
  return { ...mod, wasmHeap: () => (paths.heap ? mod.wasmHeap() : null) };
});

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
 * On wasm BatchNorm runs as loops over the heap, four channels at a time and the last C mod 4 one
 * by one; where those cannot run, narrow channels take the per-channel affine maps as products
 * with diagonal matrices and wide ones broadcast, and large enough batches sum over the batch by
 * a product with ones. Every combination must give autodiff's values and gradients.
 */
describe('BatchNorm closed-form gradient on wasm', () => {
  const shapes = [
    [6, 5, 5, 8], // diagonal products (C ≤ 32), sums by Sum; four channels at a time
    [4, 4, 5, 32], // diagonal products, sums as products with a row of ones (C ≥ 16, n ≥ 64)
    [12, 64], // broadcasts, sums by Sum
    [80, 48], // broadcasts, sums as products
    [9, 7], // three channels one by one after a group of four
    [16, 2], // seed 002's two-feature layer: no group of four
  ];
  for (const [path, heap] of [
    ['heap loops', true],
    ['tfjs kernels', false],
  ] as const) {
    for (const shape of shapes) {
      it(`${path}: equals autodiff of the textbook formula in value and every gradient, input ${shape.join('×')}`, async () => {
        paths.heap = heap;
        await checkAgainstAutodiff(shape);
      });
    }
    it(`${path}: eval mode normalises by the running statistics`, async () => {
      paths.heap = heap;
      await initBackend('wasm');
      const rng = createRng(`bn-eval-${path}`);
      const C = 7;
      const x = tf.tensor2d(
        Float32Array.from({ length: 5 * C }, () => rng.normal(2, 3)),
        [5, C],
      );
      const store = new ParamStore();
      const bn = new BatchNorm(store, 'bn', C, 'backbone');
      const vec = (mean: number, sd: number) =>
        tf.tensor1d(Float32Array.from({ length: C }, () => rng.normal(mean, sd)));
      bn.gamma.assign(vec(1, 0.3));
      bn.beta.assign(vec(0, 0.5));
      bn.runningMean.assign(vec(1, 1));
      bn.runningVar.assign(tf.abs(vec(2, 1)));
      const y = bn.apply(x, { training: false, updateStats: false, conv: 'forward-grads' });
      const want = tf.add(
        tf.mul(tf.div(tf.sub(x, bn.runningMean), tf.sqrt(tf.add(bn.runningVar, BN_EPS))), bn.gamma),
        bn.beta,
      );
      expect(relativeError(await y.data(), await want.data())).toBeLessThan(1e-6);
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

/** BatchNorm on `shape` against the textbook formula's autodiff: value, gradients, statistics. */
async function checkAgainstAutodiff(shape: number[]): Promise<void> {
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
  expect(relativeError(await y.data(), await reference(x, bn.gamma, bn.beta).data())).toBeLessThan(
    1e-5,
  );
  for (let i = 0; i < 3; i++) {
    expect(got[i].shape).toEqual(want[i].shape);
    expect(relativeError(await got[i].data(), await want[i].data())).toBeLessThan(1e-4);
  }
  // one train-mode pass moved the running statistics (the grads call above)
  const mean = await tf.mean(tf.reshape(x, [-1, C]), 0).data();
  const running = await bn.runningMean.data();
  for (let c = 0; c < C; c++) expect(running[c]).toBeCloseTo(0.1 * mean[c], 5);
  // and the unbiased variance into the running variance (from 1)
  const flat = tf.reshape(x, [-1, C]);
  const n = flat.shape[0];
  const unbiased = await tf.div(tf.sum(tf.square(tf.sub(flat, tf.mean(flat, 0))), 0), n - 1).data();
  const runningVar = await bn.runningVar.data();
  for (let c = 0; c < C; c++) expect(runningVar[c]).toBeCloseTo(0.9 + 0.1 * unbiased[c], 4);
  store.dispose();
}
