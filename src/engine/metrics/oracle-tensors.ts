// Test helper: a metric_vectors.json case as tensor inputs for computeMetrics.
import * as tf from '@tensorflow/tfjs-core';
import { gofFromOracle, type OracleCase } from './oracle';
import type { MetricsInput } from './types';

/** Builds tensor inputs from a case; the caller disposes `owned`. */
export function oracleToTensors(
  c: OracleCase,
  batchSize?: number,
): { input: MetricsInput; owned: tf.Tensor[] } {
  const i = c.inputs;
  const features = tf.tensor2d(i.H);
  const W = i.W ? tf.tensor2d(i.W) : null;
  const testFeatures = i.H_test ? tf.tensor2d(i.H_test) : null;
  const layers = i.layers ? i.layers.map((L) => tf.tensor2d(L)) : null;
  return {
    input: {
      K: i.K,
      features,
      labels: Int32Array.from(i.y),
      W,
      b: i.b,
      testFeatures,
      testLabels: i.y_test ? Int32Array.from(i.y_test) : null,
      labelsOriginal: i.y_orig ? Int32Array.from(i.y_orig) : null,
      oodGlobalMean: i.ood_global_mean,
      layers,
      gof: gofFromOracle(i.gof),
      batchSize,
    },
    owned: [
      features,
      ...(W ? [W] : []),
      ...(testFeatures ? [testFeatures] : []),
      ...(layers ?? []),
    ],
  };
}
