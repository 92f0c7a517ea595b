import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeMetrics, computeMetricsFromArrays, type MetricKey } from './index';
import { compareValue, type Tolerance } from './compare';
import { readOracle } from '../testing/oracles';

const TOL = readOracle<{ tolerance: Record<string, Tolerance> }>('metrics/metric_vectors.json')
  .tolerance.float32_browser_default;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

const matrix = (r: () => number, m: number, n: number, s = 1) =>
  Array.from({ length: m }, () => Array.from({ length: n }, () => Math.fround(s * r())));

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('deep-linear trainer usage (N=400, K=4, M=3 bias-free layers)', () => {
  it("'cheap' on tensors returns deep_* arrays of length M and gof_*, equal to the float64 host path, no leak", async () => {
    const r = rng(3);
    const N = 400;
    const d = 64;
    const K = 4;
    const labels = Int32Array.from({ length: N }, (_, i) =>
      i < 200 ? 0 : i < 300 ? 1 : i < 350 ? 2 : 3,
    );
    const means = matrix(r, K, d, 4);
    const H = Array.from(labels, (c) => means[c].map((v) => Math.fround(v + r())));
    const layers = [matrix(r, d, d, 0.3), matrix(r, d, d, 0.3), matrix(r, K, d, 0.3)];
    const gof = { lambdaW: 5e-4, lambdaH: 5e-4, depth: 3 };
    const tl = layers.map((L) => tf.tensor2d(L));
    const features = tf.tensor2d(H);
    const W = tf.tidy(() => tf.matMul(tf.matMul(tl[2], tl[1]), tl[0]) as tf.Tensor2D);
    const before = tf.memory().numTensors;
    const dev = await computeMetrics({ K, features, labels, W, b: null, layers: tl, gof }, 'cheap');
    expect(tf.memory().numTensors).toBe(before);
    const Wrows = await W.array();
    [features, W, ...tl].forEach((t) => t.dispose());
    for (const k of [
      'deep_nc1_pinv',
      'deep_nc3_wh_etf_error',
      'deep_nc2_identity_error_weights',
    ] as MetricKey[]) {
      expect((dev.values[k] as number[]).length).toBe(3);
    }
    expect((dev.values.gof_x as number[]).length).toBe(K);
    expect(dev.values.sigma_w).toBeUndefined();
    const host = await computeMetricsFromArrays(
      { K, features: H, labels, W: Wrows, layers, gof },
      'cheap',
    );
    expect(Object.keys(dev.values)).toEqual(Object.keys(host.values));
    const exact = /accuracy|mismatch|^counts$/;
    const bad = Object.keys(host.values)
      .map((k) =>
        compareValue(
          dev.values[k as MetricKey],
          host.values[k as MetricKey]!,
          TOL,
          exact.test(k),
          k,
        ),
      )
      .filter((m) => m !== null);
    expect(bad).toEqual([]);
    // W M̃ᵀ is the same matrix at every layer of a bias-free stack
    const wh = dev.values.deep_nc3_wh_etf_error as number[];
    expect(Math.abs(wh[0] - wh[2])).toBeLessThan(1e-5);
  });
});

describe('undefined values and guards', () => {
  const r = rng(11);
  const K = 4;
  const d = 5;
  const means = matrix(r, K, d, 6);
  const labels = [0, 0, 0, 1, 1, 1, 3, 3, 3, 3]; // class 2 is empty
  const H = labels.map((c) => means[c].map((v) => v + r()));
  const W = matrix(r, K, d);

  it('an empty class is excluded (counts report it) and the rest equals the data without that class', async () => {
    const res = await computeMetricsFromArrays({ K, features: H, labels, W }, 'full');
    expect(res.values.counts).toEqual([3, 3, 0, 4]);
    expect(res.diagnostics.emptyClasses).toEqual([2]);
    expect((res.values.class_means as number[][]).length).toBe(3);
    const relabel = labels.map((c) => (c === 3 ? 2 : c));
    const ref = await computeMetricsFromArrays(
      { K: 3, features: H, labels: relabel, W: [W[0], W[1], W[3]] },
      [
        'nc1_pinv',
        'nc1_cdnv',
        'nc2_etf_error_means',
        'nc2_etf_error_weights',
        'nc3_wh_etf_error',
        'ncc_accuracy_train',
      ],
    );
    for (const [k, v] of Object.entries(ref.values))
      expect(res.values[k as MetricKey], k).toBeCloseTo(v as number, 12);
  });

  it('without W every classifier metric is null with a reason, feature metrics are still computed', async () => {
    const res = await computeMetricsFromArrays({ K, features: H, labels }, 'core');
    expect(res.values.nc1_pinv).toEqual(expect.any(Number));
    for (const k of [
      'nc2_etf_error_weights',
      'nc3_wh_etf_error',
      'net_accuracy_train',
      'nc_bias_wmug_plus_b',
    ] as MetricKey[]) {
      expect(res.values[k], k).toBeNull();
      expect(res.undefinedReasons[k]).toMatch(/no classifier W/);
    }
    expect(res.values.ncc_accuracy_train).toEqual(expect.any(Number));
  });

  it('a zero centred mean makes cosine metrics null (not 0), at any feature scale', async () => {
    // balanced classes at -v, 0, +v: the middle centred mean is exactly zero
    for (const s of [1, 2 ** -20]) {
      const v = [1, 2, -1].map((x) => x * s);
      const pts = [-1, 0, 1].flatMap((a) =>
        [0.1, -0.1].map((e) => v.map((x, j) => a * x + (j === 0 ? e * s : 0))),
      );
      const y = [0, 0, 1, 1, 2, 2];
      const res = await computeMetricsFromArrays({ K: 3, features: pts, labels: y }, 'full');
      expect(res.values.nc2_equiangular_std_means).toBeNull();
      expect(res.undefinedReasons.nc2_equiangular_std_means).toMatch(/zero vector/);
      expect(res.values.nc2_equinorm_logvar_means).toBeNull();
      expect(res.values.nc1_quotient).toEqual(expect.any(Number));
    }
  });

  it('a single non-empty class: geometry metrics null with a reason', async () => {
    const res = await computeMetricsFromArrays(
      {
        K: 2,
        features: [
          [1, 2],
          [3, 4],
        ],
        labels: [1, 1],
      },
      'cheap',
    );
    expect(res.values.counts).toEqual([0, 2]);
    expect(res.values.nc1_pinv).toBeNull();
    expect(res.undefinedReasons.nc1_pinv).toMatch(/fewer than 2/);
  });

  it('bad inputs throw with a message naming the problem', async () => {
    await expect(
      computeMetricsFromArrays({ K: 2, features: [[1], [2]], labels: [0, 2] }),
    ).rejects.toThrow(/labels\[1\] = 2 is outside 0..1/);
    await expect(
      computeMetricsFromArrays({ K: 2, features: [[1], [2]], labels: [0] }),
    ).rejects.toThrow(/labels has length 1/);
    await expect(
      computeMetricsFromArrays({ K: 2, features: [[1], [2]], labels: [0, 1], W: [[1, 2]] }),
    ).rejects.toThrow(/W must be K×d/);
    const f = tf.tensor2d([[1], [2]]);
    await expect(
      computeMetrics({
        K: 2,
        features: f,
        labels: Int32Array.from([0, 1]),
        layers: [tf.tensor2d([[1, 2]])],
      }),
    ).rejects.toThrow(/layers\[0\]/);
    f.dispose();
  });
});
