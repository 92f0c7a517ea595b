import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './backend';

interface WasmData {
  dataIdMap: { get(id: object): { memoryOffset: number; refCount: number } };
}
const place = (t: tf.Tensor) => (tf.backend() as unknown as WasmData).dataIdMap.get(t.dataId);

describe('wasm Identity shares the buffer (wasmIdentity.ts)', () => {
  it('a clone holds the same heap buffer, counted twice, and keeps it when the original goes', async () => {
    await initBackend('wasm');
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const buffers = tf.memory().numDataBuffers;
    const y = tf.clone(x);
    expect(tf.memory().numDataBuffers).toBe(buffers); // nothing copied
    expect(place(y).memoryOffset).toBe(place(x).memoryOffset);
    expect(place(y).refCount).toBe(2);
    x.dispose();
    expect(place(y).refCount).toBe(1);
    expect(Array.from(await y.data())).toEqual([1, 2, 3, 4, 5, 6]);
    y.dispose();
  });

  it('what a gradient saves is shared: the same gradient, no copy per saved input', async () => {
    await initBackend('wasm');
    const x = tf.tensor2d([0.5, -1, 2, -3, 1.5, 0.25], [3, 2]);
    const w = tf.tensor2d([1, -2, 0.5, 3], [2, 2]);
    // Relu saves its input and MatMul both operands: each a clone by Identity
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.relu(tf.matMul(a, b))));
    const [ga, gb] = g([x, w]);
    // d/dx Σ relu(x·w) = 1[x·w > 0]·wᵀ, worked by hand
    const xw = await tf.matMul(x, w).data();
    const mask = Array.from(xw, (v) => (v > 0 ? 1 : 0));
    const wv = [1, -2, 0.5, 3];
    const want = [0, 1, 2].flatMap((r) =>
      [0, 1].map((k) => mask[2 * r] * wv[2 * k] + mask[2 * r + 1] * wv[2 * k + 1]),
    );
    expect(Array.from(await ga.data())).toEqual(want);
    expect(gb.shape).toEqual([2, 2]);
  });
});
