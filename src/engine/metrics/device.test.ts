import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRIC_KEYS, computeMetrics, type MetricsInput } from './index';
import { compareValue, type Tolerance } from './compare';
import { gofFromOracle, type OracleCase, type OracleFile } from './oracle';

const ORACLE = new URL('../../../../shared/oracles/metrics/metric_vectors.json', import.meta.url);
const file = JSON.parse(readFileSync(ORACLE, 'utf8')) as OracleFile & {
  tolerance: Record<'float32_browser_default' | 'float32_large_offset_cases', Tolerance>;
};
const EXACT = /accuracy|mismatch|agreement|^counts$/;

function tolFor(c: OracleCase): Tolerance {
  return c.name.includes('offset')
    ? file.tolerance.float32_large_offset_cases
    : file.tolerance.float32_browser_default;
}

/** Builds tensor inputs from a case; the caller disposes the returned tensors. */
function tensorInput(
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

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe.each([
  ['one batch', undefined],
  ['batches of 7 rows (multi-batch Chan merge)', 7],
])('computeMetrics on float32 tensors (cpu backend), %s', (_label, batchSize) => {
  for (const c of file.cases) {
    const tol = tolFor(c);
    it(`${c.name}: all 79 keys within atol ${tol.atol} + rtol ${tol.rtol}, exact decision rates, nulls where the oracle has nulls, no leaked tensor`, async () => {
      const { input, owned } = tensorInput(c, batchSize);
      const before = tf.memory().numTensors;
      const r = await computeMetrics(input, METRIC_KEYS);
      expect(tf.memory().numTensors).toBe(before);
      owned.forEach((t) => t.dispose());
      const failures: string[] = [];
      for (const k of METRIC_KEYS) {
        const msg = compareValue(r.values[k], c.expected![k], tol, EXACT.test(k), k);
        if (msg) failures.push(msg);
        if (c.expected![k] === null && !r.undefinedReasons[k])
          failures.push(`${k}: null without a reason`);
      }
      expect(failures).toEqual([]);
    });
  }
});
