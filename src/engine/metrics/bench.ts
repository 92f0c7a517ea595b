// Streaming benchmark helper (not run in tests): times computeMetrics on synthetic class-structured
// float32 features of size N×d on the current tfjs backend.
import * as tf from '@tensorflow/tfjs-core';
import { computeMetrics } from './device';
import type { MetricSet } from './keys';

export interface StreamingBenchOptions {
  N?: number;
  d?: number;
  K?: number;
  batchSize?: number;
  set?: MetricSet;
  /** feature offset added to every coordinate (exercises the shift-first path) */
  offset?: number;
  repeats?: number;
}

export interface StreamingBenchResult {
  backend: string;
  N: number;
  d: number;
  K: number;
  batchSize: number;
  batches: number;
  /** wall time of each computeMetrics call, ms */
  ms: number[];
  /** throughput of the best call, rows per second */
  rowsPerSecond: number;
  nc1Pinv: number | null;
  leakedTensors: number;
}

/** Default: the 200 000 × 512 streaming case, K = 10, 'core' set, batches of 4096 rows. */
export async function benchStreamingMetrics(
  opts: StreamingBenchOptions = {},
): Promise<StreamingBenchResult> {
  const N = opts.N ?? 200_000;
  const d = opts.d ?? 512;
  const K = opts.K ?? 10;
  const batchSize = opts.batchSize ?? 4096;
  const labels = Int32Array.from({ length: N }, (_, i) => i % K);
  // class means on a random K×d frame, unit-variance noise, optional common offset
  const [features, W] = tf.tidy(() => {
    const means = tf.mul(tf.randomNormal([K, d], 0, 1, 'float32', 1), 3);
    const X = tf.add(
      tf.add(
        tf.gather(means, tf.tensor1d(labels, 'int32')),
        tf.randomNormal([N, d], 0, 1, 'float32', 2),
      ),
      opts.offset ?? 0,
    );
    return [X as tf.Tensor2D, means as tf.Tensor2D];
  });
  const before = tf.memory().numTensors;
  const ms: number[] = [];
  let nc1: number | null = null;
  let batches = 0;
  try {
    for (let r = 0; r < (opts.repeats ?? 1); r++) {
      const t0 = performance.now();
      const res = await computeMetrics({ K, features, labels, W, batchSize }, opts.set ?? 'core');
      ms.push(performance.now() - t0);
      nc1 = typeof res.values.nc1_pinv === 'number' ? res.values.nc1_pinv : null;
      batches = Number(res.diagnostics.batches);
    }
  } finally {
    features.dispose();
    W.dispose();
  }
  return {
    backend: tf.getBackend(),
    N,
    d,
    K,
    batchSize,
    batches,
    ms,
    rowsPerSecond: N / (Math.min(...ms) / 1000),
    nc1Pinv: nc1,
    leakedTensors: tf.memory().numTensors - (before - 2),
  };
}
