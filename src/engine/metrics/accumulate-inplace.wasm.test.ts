import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeMetrics, computeMetricsFromArrays } from './index';
import { compareValue, type Tolerance } from './compare';
import { readOracle } from '../testing/oracles';

const TOL = readOracle<{ tolerance: Record<string, Tolerance> }>('metrics/metric_vectors.json')
  .tolerance.float32_large_offset_cases;

beforeAll(async () => {
  await tf.setBackend('wasm');
});

// Noisy labels (clean-mean distances, memorization), a classifier with bias, held-out rows: every
// part of pass 2 runs; a large common offset tests the shift; 5 batches test the merge.
const N = 600;
const d = 24;
const K = 4;
const B = 128;
const OFFSET = 1000;

function data(spread = 1) {
  let a = 11;
  const rnd = () => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a / 2147483648;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const means = Array.from({ length: K }, () => Array.from({ length: d }, () => 2 * gauss()));
  const original = Int32Array.from({ length: N }, (_, i) => i % K);
  const labels = Int32Array.from(original, (c, i) => (i % 7 === 0 ? (c + 1) % K : c));
  const rows = (n: number, y: Int32Array) =>
    Float32Array.from(
      { length: n * d },
      (_, k) => OFFSET + means[y[(k / d) | 0]][k % d] + spread * gauss(),
    );
  const H = rows(N, original);
  const testLabels = Int32Array.from({ length: 200 }, (_, i) => (i * 3) % K);
  const T = rows(200, testLabels);
  const W = means.map((m) => m.map((v) => Math.fround(v / 2 + 0.1 * gauss())));
  const b = Array.from({ length: K }, () => Math.fround(gauss()));
  return { H, T, labels, original, testLabels, W, b };
}

describe('streaming passes over rows read in place from the wasm heap', () => {
  it('give every key of the float64 host path within the float32 tolerance, the same decisions, and run one MatMul per pass-2 batch', async () => {
    const x = data();
    const features = tf.tensor2d(x.H, [N, d]);
    const testFeatures = tf.tensor2d(x.T, [200, d]);
    const W = tf.tensor2d(x.W);
    const input = { K, labels: x.labels, labelsOriginal: x.original, b: x.b };
    const tests = { testLabels: x.testLabels };
    let streamed: Awaited<ReturnType<typeof computeMetrics>> | null = null;
    const profile = await tf.profile(async () => {
      streamed = await computeMetrics(
        { ...input, ...tests, features, testFeatures, W, batchSize: B },
        'full',
      );
    });
    [features, testFeatures, W].forEach((t) => t.dispose());
    const host = await computeMetricsFromArrays(
      {
        ...input,
        ...tests,
        features: { rows: N, cols: d, data: x.H },
        testFeatures: { rows: 200, cols: d, data: x.T },
        W: x.W,
      },
      'full',
    );
    const result = streamed!;
    expect(Object.keys(result.values)).toEqual(Object.keys(host.values));
    const exact = /accuracy|mismatch|agreement|^counts$/;
    const failures = Object.keys(host.values)
      .map((k) => {
        const key = k as keyof typeof host.values;
        return compareValue(result.values[key], host.values[key]!, TOL, exact.test(k), k);
      })
      .filter((m) => m !== null);
    expect(failures).toEqual([]);
    expect(result.values.nc1_pinv).toBeGreaterThan(0.01);
    // pass 2's 5 batches and the test rows' 2: one product each, nothing elementwise over a batch
    const names = profile.kernels.map((k) => k.name);
    expect(names.filter((n) => n === 'BatchMatMul')).toHaveLength(5 + 2);
    const batchSized = profile.kernels.filter(
      (k) =>
        k.name !== 'BatchMatMul' &&
        k.outputShapes.some((s) => s.length === 2 && s[1] === d && s[0] > K),
    );
    expect(batchSized.map((k) => k.name)).toEqual([]);
  });

  it('near collapse (within-class spread 1e-3 of the class means, offset 1000) the within-class moments still match the float64 host path', async () => {
    const x = data(1e-3);
    const features = tf.tensor2d(x.H, [N, d]);
    const keys = ['nc1_pinv', 'nc1_cdnv', 'trace_sigma_w'] as const;
    const streamed = await computeMetrics({ K, labels: x.original, features, batchSize: B }, [
      ...keys,
    ]);
    features.dispose();
    const host = await computeMetricsFromArrays(
      { K, labels: x.original, features: { rows: N, cols: d, data: x.H } },
      [...keys],
    );
    for (const k of keys) {
      const [a, b] = [streamed.values[k] as number, host.values[k] as number];
      expect(b).toBeGreaterThan(0);
      expect(Math.abs(a - b) / b).toBeLessThan(1e-6);
    }
  });
});
