import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../core/backend';
import { createRng } from '../core/rng';
import { conv2dForwardGrads, conv2dIm2col, convOutSize, flippedFilter } from './conv';
import { orthogonal, torchDefaultUniform } from './init';
import { BN_EPS, BatchNorm, type ForwardMode } from './layers';
import { ParamStore } from './params';

beforeAll(async () => {
  await initBackend('cpu');
});

const TRAIN: ForwardMode = { training: true, updateStats: true, conv: 'native' };
const EVAL: ForwardMode = { training: false, updateStats: false, conv: 'native' };

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('BatchNorm (PyTorch semantics)', () => {
  it('train mode normalises with the biased batch variance and moves running stats by 0.1 with the unbiased one', async () => {
    const B = 5;
    const C = 3;
    const rng = createRng('bn1d');
    const x = Array.from({ length: B * C }, () => rng.normal(2, 3));
    const store = new ParamStore();
    const bn = new BatchNorm(store, 'bn', C, 'backbone');
    bn.gamma.assign(tf.tensor1d([1.5, -0.5, 2]));
    bn.beta.assign(tf.tensor1d([0.1, 0.2, -0.3]));
    const y = tf.tidy(() => bn.apply(tf.tensor2d(x, [B, C]), TRAIN));
    const got = await y.data();
    const rm = await bn.runningMean.data();
    const rv = await bn.runningVar.data();
    const gamma = [1.5, -0.5, 2];
    const beta = [0.1, 0.2, -0.3];
    for (let c = 0; c < C; c++) {
      const col = Array.from({ length: B }, (_, i) => x[i * C + c]);
      const mean = col.reduce((s, v) => s + v, 0) / B;
      const ss = col.reduce((s, v) => s + (v - mean) ** 2, 0);
      for (let i = 0; i < B; i++) {
        const want = ((col[i] - mean) / Math.sqrt(ss / B + BN_EPS)) * gamma[c] + beta[c];
        expect(got[i * C + c]).toBeCloseTo(want, 5);
      }
      expect(rm[c]).toBeCloseTo(0.9 * 0 + 0.1 * mean, 6);
      expect(rv[c]).toBeCloseTo(0.9 * 1 + 0.1 * (ss / (B - 1)), 5);
    }
    // Eval mode uses the running statistics, and changes nothing.
    const z = tf.tidy(() => bn.apply(tf.tensor2d(x, [B, C]), EVAL));
    const evalOut = await z.data();
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < B; i++) {
        const want = ((x[i * C + c] - rm[c]) / Math.sqrt(rv[c] + BN_EPS)) * gamma[c] + beta[c];
        expect(evalOut[i * C + c]).toBeCloseTo(want, 5);
      }
    }
    expect(Array.from(await bn.runningMean.data())).toEqual(Array.from(rm));
    tf.dispose([y, z]);
    store.dispose();
  });

  it('BatchNorm2d takes its statistics over batch and both spatial axes, n = B·H·W for the unbiased variance', async () => {
    const [B, H, W, C] = [2, 3, 2, 2];
    const rng = createRng('bn2d');
    const x = Array.from({ length: B * H * W * C }, () => rng.normal(-1, 2));
    const store = new ParamStore();
    const bn = new BatchNorm(store, 'bn', C, 'backbone');
    const y = tf.tidy(() => bn.apply(tf.tensor4d(x, [B, H, W, C]), TRAIN));
    const got = await y.data();
    const rv = await bn.runningVar.data();
    const n = B * H * W;
    for (let c = 0; c < C; c++) {
      const vals = x.filter((_, i) => i % C === c);
      const mean = vals.reduce((s, v) => s + v, 0) / n;
      const ss = vals.reduce((s, v) => s + (v - mean) ** 2, 0);
      expect(rv[c]).toBeCloseTo(0.9 + (0.1 * ss) / (n - 1), 5);
      x.forEach((v, i) => {
        if (i % C === c) expect(got[i]).toBeCloseTo((v - mean) / Math.sqrt(ss / n + BN_EPS), 5);
      });
    }
    y.dispose();
    store.dispose();
  });

  it('refuses a train-mode batch of one sample, as PyTorch does', () => {
    const store = new ParamStore();
    const bn = new BatchNorm(store, 'bn', 2, 'backbone');
    expect(() => tf.tidy(() => bn.apply(tf.tensor2d([1, 2], [1, 2]), TRAIN))).toThrow(
      /more than 1 value per channel/,
    );
    store.dispose();
  });
});

describe('convolutions without Conv2DBackpropFilter (im2col, forward-grads)', () => {
  const cases = [
    { H: 6, W: 5, C: 3, out: 4, k: 3, stride: 1, pad: 1 },
    { H: 8, W: 8, C: 2, out: 3, k: 3, stride: 2, pad: 1 }, // dx by phases
    { H: 8, W: 4, C: 3, out: 2, k: 3, stride: 2, pad: 1 }, // phases of a non-square input
    { H: 8, W: 8, C: 2, out: 3, k: 5, stride: 2, pad: 2 }, // phases padded before and after
    { H: 7, W: 7, C: 2, out: 3, k: 3, stride: 2, pad: 1 }, // odd: the far edge needs extra padding
    { H: 8, W: 6, C: 3, out: 5, k: 1, stride: 2, pad: 0 }, // ResNet's 1×1 shortcut
    { H: 7, W: 5, C: 3, out: 5, k: 1, stride: 2, pad: 0 },
    { H: 5, W: 5, C: 1, out: 2, k: 3, stride: 1, pad: 0 },
  ];
  for (const c of cases) {
    for (const [label, conv] of [
      ['im2col', conv2dIm2col],
      ['forward-grads', conv2dForwardGrads],
    ] as const) {
      it(`${label} equals tf.conv2d in value and gradients: ${c.H}×${c.W}×${c.C} → ${c.out}, k ${c.k}, stride ${c.stride}, pad ${c.pad}`, async () => {
        const rng = createRng(`conv${c.H}${c.k}${c.stride}`);
        const B = 2;
        const x = tf.tensor4d(
          Array.from({ length: B * c.H * c.W * c.C }, () => rng.normal(0, 1)),
          [B, c.H, c.W, c.C],
        );
        const w = tf.tensor4d(
          Array.from({ length: c.k * c.k * c.C * c.out }, () => rng.normal(0, 1)),
          [c.k, c.k, c.C, c.out],
        );
        const Ho = convOutSize(c.H, c.k, c.stride, c.pad);
        const Wo = convOutSize(c.W, c.k, c.stride, c.pad);
        const r = tf.tensor4d(
          Array.from({ length: B * Ho * Wo * c.out }, () => rng.normal(0, 1)),
          [B, Ho, Wo, c.out],
        );
        // A random linear functional of the output: its gradients are conv's backward passes.
        const native = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), r)),
        );
        const mine = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), r)),
        );
        const yN = tf.conv2d(x, w, c.stride, c.pad);
        const yM = conv(x, w, c.stride, c.pad);
        expect(yM.shape).toEqual(yN.shape);
        expect(yM.shape).toEqual([B, Ho, Wo, c.out]);
        const [gxN, gwN] = native([x, w]);
        const [gxM, gwM] = mine([x, w]);
        expect(gxM.shape).toEqual(gxN.shape);
        expect(gwM.shape).toEqual(gwN.shape);
        expect(maxAbsDiff(await yM.data(), await yN.data())).toBeLessThan(1e-5);
        expect(maxAbsDiff(await gxM.data(), await gxN.data())).toBeLessThan(1e-5);
        expect(maxAbsDiff(await gwM.data(), await gwN.data())).toBeLessThan(1e-4);
        tf.dispose([x, w, r, yN, yM, gxN, gwN, gxM, gwM]);
      });
    }
  }
});

describe('flippedFilter', () => {
  it('rearranged on the host equals tf.reverse over the taps and the in/out transpose', async () => {
    const w = tf.tensor4d(
      Array.from({ length: 3 * 2 * 4 * 5 }, (_, i) => i * 0.5 - 7),
      [3, 2, 4, 5],
    );
    const host = flippedFilter(w); // cpu keeps tensors in the page's memory: the host path
    const ops = tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]);
    expect(host.shape).toEqual([3, 2, 5, 4]);
    expect(Array.from(await host.data())).toEqual(Array.from(await ops.data()));
    tf.dispose([w, host, ops]);
  });
});

describe('initialisation', () => {
  function gram(a: Float32Array, rows: number, cols: number, byRows: boolean): number[][] {
    const n = byRows ? rows : cols;
    const at = (v: number, t: number) => (byRows ? a[v * cols + t] : a[t * cols + v]);
    const len = byRows ? cols : rows;
    return Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => {
        let s = 0;
        for (let t = 0; t < len; t++) s += at(i, t) * at(j, t);
        return s;
      }),
    );
  }

  it('orthogonal: orthonormal rows when out ≤ in, orthonormal columns when out > in (torch.nn.init.orthogonal_)', async () => {
    for (const [rows, cols] of [
      [4, 9],
      [9, 4],
      [6, 6],
      [150, 90], // more than one block of the blocked Gram–Schmidt
    ]) {
      const t = orthogonal(createRng(`o${rows}${cols}`), rows, cols);
      expect(t.shape).toEqual([rows, cols]);
      const a = (await t.data()) as Float32Array;
      t.dispose();
      const G = gram(a, rows, cols, rows <= cols);
      G.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(i === j ? 1 : 0, 5)));
    }
  });

  it('PyTorch default: U(±1/√fan_in), filling the interval', () => {
    const v = torchDefaultUniform(createRng('u'), 20_000, 25);
    const max = Math.max(...v);
    const min = Math.min(...v);
    expect(max).toBeLessThanOrEqual(0.2);
    expect(min).toBeGreaterThanOrEqual(-0.2);
    expect(max).toBeGreaterThan(0.199);
    expect(min).toBeLessThan(-0.199);
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const variance = v.reduce((s, x) => s + x * x, 0) / v.length;
    expect(Math.abs(mean)).toBeLessThan(0.005);
    expect(variance).toBeCloseTo(0.04 / 3, 3);
  });
});
