import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './backend';
import { biasAdd, channelSums } from './biasAdd';
import { createRng } from './rng';

function numbers(n: number, seed: string): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal(0, 1));
}

/** y + b and the gradients of Σ (y + b)·r for y and b, through biasAdd or tf.add. */
function valueAndGradients(shape: number[], own: boolean): number[][] {
  const size = shape.reduce((a, b) => a * b, 1);
  const C = shape[shape.length - 1];
  const y = tf.tensor(numbers(size, `y${shape}`), shape);
  const b = tf.tensor1d(numbers(C, `b${shape}`));
  const r = tf.tensor(numbers(size, `r${shape}`), shape);
  const add = (ys: tf.Tensor, bs: tf.Tensor) =>
    own ? biasAdd(ys, bs as tf.Tensor1D) : tf.add(ys, bs);
  const grads = tf.grads((ys: tf.Tensor, bs: tf.Tensor) => tf.sum(tf.mul(add(ys, bs), r)))([y, b]);
  return [add(y, b), ...grads].map((t) => Array.from(t.dataSync()));
}

const SHAPES = [
  [16, 256], // a dense layer of seed 002's MLP
  [5, 7], // channels not a multiple of four
  [2, 3, 4, 6], // a convolution's output
  [3, 1],
];

describe('a bias over the channels on the wasm heap (biasAdd.ts)', () => {
  it('equals tf.add and its gradients on cpu: the bias gets Σ dy over every other axis', async () => {
    await initBackend('cpu');
    const expected = SHAPES.map((s) => valueAndGradients(s, false));
    await initBackend('wasm');
    SHAPES.forEach((s, i) => {
      const got = valueAndGradients(s, true);
      expect(got[0]).toEqual(expected[i][0]);
      expect(got[1]).toEqual(expected[i][1]);
      got[2].forEach((v, c) => expect(v).toBeCloseTo(expected[i][2][c], 4));
    });
  });

  it('runs no Add and no Sum of its own on wasm, and is tf.add elsewhere', async () => {
    await initBackend('wasm');
    const { kernels } = await tf.profile(() => valueAndGradients([16, 256], true));
    const names = kernels.map((k) => k.name);
    expect(names).not.toContain('Add');
    expect(names.filter((n) => n === 'Sum')).toHaveLength(1); // the objective's
    await initBackend('cpu');
    const cpu = await tf.profile(() => valueAndGradients([16, 256], true));
    expect(cpu.kernels.map((k) => k.name)).toContain('Add');
  });

  it('sums the channels of a tensor of any rank from two up', async () => {
    await initBackend('wasm');
    const t = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 2, 3]);
    expect(Array.from(channelSums(t).dataSync())).toEqual([22, 26, 30]);
  });
});
