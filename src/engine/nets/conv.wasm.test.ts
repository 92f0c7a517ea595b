import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../core/backend';
import { createRng } from '../core/rng';
import { conv2dForwardGrads, convOutSize } from './conv';

interface Case {
  B: number;
  H: number;
  W: number;
  C: number;
  out: number;
  k: number;
  stride: number;
  pad: number;
}

function tensors(c: Case) {
  const rng = createRng(`phases-${c.H}-${c.W}-${c.k}-${c.stride}-${c.pad}-${c.C}`);
  const fill = (n: number) => Float32Array.from({ length: n }, () => rng.normal(0, 1));
  const Ho = convOutSize(c.H, c.k, c.stride, c.pad);
  const Wo = convOutSize(c.W, c.k, c.stride, c.pad);
  return {
    x: fill(c.B * c.H * c.W * c.C),
    w: fill(c.k * c.k * c.C * c.out),
    r: fill(c.B * Ho * Wo * c.out),
    Ho,
    Wo,
  };
}

/** dx of Σ conv(x, w)·r: tf.conv2d's own gradient on cpu, or conv2dForwardGrads on wasm. */
function inputGradient(c: Case, own: boolean): number[] {
  const { x, w, r, Ho, Wo } = tensors(c);
  const W4 = tf.tensor4d(w, [c.k, c.k, c.C, c.out]);
  const R = tf.tensor4d(r, [c.B, Ho, Wo, c.out]);
  const conv = own ? conv2dForwardGrads : tf.conv2d;
  const dx = tf.grad((t: tf.Tensor) =>
    tf.sum(tf.mul(conv(t as tf.Tensor4D, W4, c.stride, c.pad), R)),
  )(tf.tensor4d(x, [c.B, c.H, c.W, c.C]));
  return Array.from(dx.dataSync());
}

const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));

describe('a strided convolution’s input gradient by phases (conv.ts, wasm)', () => {
  const phased: Case[] = [
    { B: 3, H: 8, W: 8, C: 8, out: 16, k: 3, stride: 2, pad: 1 }, // ResNet's 3 × 3 / 2
    { B: 2, H: 8, W: 6, C: 5, out: 3, k: 3, stride: 2, pad: 1 }, // not square, ragged channels
    { B: 2, H: 8, W: 8, C: 4, out: 8, k: 1, stride: 2, pad: 0 }, // the 1 × 1 shortcut
    { B: 2, H: 8, W: 8, C: 3, out: 4, k: 5, stride: 2, pad: 2 }, // dy padded before and after
    { B: 1, H: 9, W: 9, C: 2, out: 3, k: 3, stride: 3, pad: 0 }, // stride 3: nine phases
  ];
  const spread: Case[] = [
    { B: 2, H: 7, W: 7, C: 2, out: 3, k: 3, stride: 2, pad: 1 }, // odd: not whole strides
  ];

  it('equals tf.conv2d’s own gradient on cpu, and takes no ScatterNd for inputs of whole strides', async () => {
    await initBackend('cpu');
    const expected = [...phased, ...spread].map((c) => inputGradient(c, false));
    await initBackend('wasm');
    [...phased, ...spread].forEach((c, i) =>
      expect(maxDiff(inputGradient(c, true), expected[i])).toBeLessThan(1e-5),
    );
    for (const c of phased) {
      const { kernels } = await tf.profile(() => inputGradient(c, true));
      expect(kernels.map((k) => k.name)).not.toContain('ScatterNd');
    }
    const { kernels } = await tf.profile(() => inputGradient(spread[0], true));
    expect(kernels.map((k) => k.name)).toContain('ScatterNd');
  });
});

describe('a convolution’s bias inside it (conv.ts, wasm)', () => {
  const c: Case = { B: 2, H: 6, W: 6, C: 5, out: 6, k: 3, stride: 1, pad: 1 };

  /** The value and the three gradients of Σ (conv(x, w) + b)·r. */
  function valueAndGradients(own: boolean): number[][] {
    const { x, w, r, Ho, Wo } = tensors(c);
    const b = tf.tensor1d(Array.from({ length: c.out }, (_, i) => 0.1 * i - 0.2));
    const X = tf.tensor4d(x, [c.B, c.H, c.W, c.C]);
    const W4 = tf.tensor4d(w, [c.k, c.k, c.C, c.out]);
    const R = tf.tensor4d(r, [c.B, Ho, Wo, c.out]);
    const f = (xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) =>
      own
        ? conv2dForwardGrads(xs as tf.Tensor4D, ws as tf.Tensor4D, 1, 1, bs as tf.Tensor1D)
        : tf.add(tf.conv2d(xs as tf.Tensor4D, ws as tf.Tensor4D, 1, 1), bs);
    const y = f(X, W4, b);
    const grads = tf.grads((xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) =>
      tf.sum(tf.mul(f(xs, ws, bs), R)),
    )([X, W4, b]);
    return [y, ...grads].map((t) => Array.from(t.dataSync()));
  }

  it('gives conv + bias and the bias its gradient Σ dy over batch, rows and columns, as tf.conv2d + tf.add on cpu', async () => {
    await initBackend('cpu');
    const expected = valueAndGradients(false);
    await initBackend('wasm');
    const got = valueAndGradients(true);
    got.forEach((g, i) => expect(maxDiff(g, expected[i])).toBeLessThan(1e-4));
    expect(got[3].length).toBe(c.out);
    const { kernels } = await tf.profile(() => valueAndGradients(true));
    // the objective's Sum alone: the bias gradient is a heap loop, and no Add of the bias
    const names = kernels.map((k) => k.name);
    expect(names.filter((n) => n === 'Sum')).toHaveLength(1);
    expect(names).not.toContain('Add');
  });
});

describe('a convolution fed the network’s input (conv.ts, wasm)', () => {
  const c: Case = { B: 2, H: 8, W: 8, C: 3, out: 8, k: 3, stride: 1, pad: 1 };

  it('gives the filter and bias the same gradients without computing the input’s, and one convolution fewer', async () => {
    await initBackend('wasm');
    const { x, w, r, Ho, Wo } = tensors(c);
    const X = tf.tensor4d(x, [c.B, c.H, c.W, c.C]);
    const W4 = tf.tensor4d(w, [c.k, c.k, c.C, c.out]);
    const b = tf.tensor1d(Array.from({ length: c.out }, (_, i) => 0.1 * i - 0.2));
    const R = tf.tensor4d(r, [c.B, Ho, Wo, c.out]);
    const run = (inputGrad: boolean) =>
      tf.grads((ws: tf.Tensor, bs: tf.Tensor) =>
        tf.sum(
          tf.mul(conv2dForwardGrads(X, ws as tf.Tensor4D, 1, 1, bs as tf.Tensor1D, inputGrad), R),
        ),
      )([W4, b]);
    const [withDx, without] = [run(true), run(false)];
    without.forEach((g, i) => expect(g.dataSync()).toEqual(withDx[i].dataSync()));
    const count = async (inputGrad: boolean) =>
      (await tf.profile(() => run(inputGrad))).kernels.filter((k) => /Conv2D/.test(k.name)).length;
    expect(await count(false)).toBe((await count(true)) - 1);
  });
});
