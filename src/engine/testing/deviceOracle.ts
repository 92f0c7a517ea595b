// Test-only: shared body of the device-path oracle tests (one test file per tfjs backend).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { METRIC_KEYS, computeMetrics } from '../metrics/index';
import { compareValue, type Tolerance } from '../metrics/compare';
import type { OracleCase, OracleFile } from '../metrics/oracle';
import { oracleToTensors } from '../metrics/oracle-tensors';
import { readOracle } from './oracles';

const EXACT = /accuracy|mismatch|agreement|^counts$/;

export function describeOracleOnDevice(backend: string): void {
  const file = readOracle<
    OracleFile & {
      tolerance: Record<'float32_browser_default' | 'float32_large_offset_cases', Tolerance>;
    }
  >('metrics/metric_vectors.json');
  const tolFor = (c: OracleCase): Tolerance =>
    c.name.includes('offset')
      ? file.tolerance.float32_large_offset_cases
      : file.tolerance.float32_browser_default;

  describe.each([
    ['one batch', undefined],
    ['batches of 7 rows (multi-batch Chan merge)', 7],
  ])(`computeMetrics on float32 tensors (${backend} backend), %s`, (_label, batchSize) => {
    for (const c of file.cases) {
      const tol = tolFor(c);
      it(`${c.name}: all 79 keys within atol ${tol.atol} + rtol ${tol.rtol}, exact decision rates, nulls where the oracle has nulls, no leaked tensor`, async () => {
        expect(tf.getBackend()).toBe(backend);
        const { input, owned } = oracleToTensors(c, batchSize);
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
}
