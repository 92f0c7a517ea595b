import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeMetrics, computeMetricsFromArrays, type MetricsResult } from './index';
import { compareValue, type Tolerance } from './compare';
import { readOracle } from '../testing/oracles';

const TOL = readOracle<{ tolerance: Record<string, Tolerance> }>('metrics/metric_vectors.json')
  .tolerance.float32_browser_default;

// multi-batch but small enough for CI: 5 batches of 500 rows; B·d > d², so a d×d tensor would
// not hide behind the batch tensors' size
const N = 2400;
const d = 160;
const K = 6;
const B = 500;
const OFFSET = 1000;

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Class-structured data, rounded to float32 so host and device see identical numbers. */
function makeData() {
  const rnd = mulberry32(7);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const means = Array.from({ length: K }, () =>
    Float64Array.from({ length: d }, () => 2 * gauss()),
  );
  const labels = Int32Array.from({ length: N }, (_, i) => (i * 7) % K);
  const H = new Float32Array(N * d);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < d; j++) H[i * d + j] = OFFSET + means[labels[i]][j] + gauss();
  const L1 = Float32Array.from({ length: d * d }, () => gauss() / Math.sqrt(d));
  const L2 = Float32Array.from({ length: K * d }, () => gauss() / Math.sqrt(d));
  const bias = Array.from({ length: K }, () => Math.fround(gauss()));
  return { labels, H, L1, L2, bias };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('streaming accumulation on tensors', () => {
  const data = makeData();

  async function run(set: Parameters<typeof computeMetrics>[1]) {
    const features = tf.tensor2d(data.H, [N, d]);
    const L1 = tf.tensor2d(data.L1, [d, d]);
    const L2 = tf.tensor2d(data.L2, [K, d]);
    const W: tf.Tensor2D = tf.tidy(() => tf.matMul(L2, L1) as tf.Tensor2D);
    const before = tf.memory().numTensors;
    let result: MetricsResult | null = null;
    const profile = await tf.profile(async () => {
      result = await computeMetrics(
        {
          K,
          features,
          labels: data.labels,
          W,
          b: data.bias,
          layers: [L1, L2],
          gof: { lambdaW: 1e-3, lambdaH: 1e-3, depth: 2 },
          batchSize: B,
        },
        set,
      );
    });
    const leaked = tf.memory().numTensors - before;
    const Wrows = await W.array();
    [features, L1, L2, W].forEach((t) => t.dispose());
    return { result: result as unknown as MetricsResult, profile, leaked, Wrows };
  }

  it(`${N}×${d} in batches of ${B}: no kernel ever outputs a d×d tensor, the largest tensor is one batch, and nothing leaks`, async () => {
    const { result, profile, leaked } = await run('full');
    expect(result.diagnostics.batches).toBe(Math.ceil(N / B));
    const shapes = profile.kernels.flatMap((k) => k.outputShapes);
    expect(shapes.length).toBeGreaterThan(0);
    expect(shapes.filter((s) => s.length === 2 && s[0] === d && s[1] === d)).toEqual([]);
    const largest = Math.max(...shapes.map((s) => s.reduce((a, v) => a * v, 1)));
    expect(largest).toBeLessThanOrEqual(B * d);
    expect(profile.newTensors).toBe(0);
    expect(leaked).toBe(0);
  });

  it('the d×d spy works: asking for sigma_w explicitly is the one way a d×d tensor appears', async () => {
    const { profile, result, leaked } = await run(['sigma_w', 'nc1_pinv']);
    const dxd = profile.kernels.filter((k) =>
      k.outputShapes.some((s) => s.length === 2 && s[0] === d && s[1] === d),
    );
    expect(dxd.length).toBeGreaterThan(0);
    expect((result.values.sigma_w as number[][]).length).toBe(d);
    expect(leaked).toBe(0);
  });

  it('streamed float32 results (offset 1000, 5 batches) match the float64 host path on the same data within the oracle float32 tolerance', async () => {
    const { result, Wrows } = await run('full');
    const host = await computeMetricsFromArrays(
      {
        K,
        features: { rows: N, cols: d, data: data.H },
        labels: data.labels,
        W: Wrows,
        b: data.bias,
        layers: [
          { rows: d, cols: d, data: data.L1 },
          { rows: K, cols: d, data: data.L2 },
        ],
        gof: { lambdaW: 1e-3, lambdaH: 1e-3, depth: 2 },
      },
      'full',
    );
    expect(Object.keys(result.values)).toEqual(Object.keys(host.values));
    const exact = /accuracy|mismatch|agreement|^counts$/;
    const failures = Object.keys(host.values)
      .map((k) =>
        compareValue(
          result.values[k as keyof typeof host.values],
          host.values[k as keyof typeof host.values]!,
          TOL,
          exact.test(k),
          k,
        ),
      )
      .filter((m) => m !== null);
    expect(failures).toEqual([]);
    expect(result.diagnostics.sigmaBRank).toBe(K - 1);
  });
});
