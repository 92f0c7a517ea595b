import { describe, expect, it } from 'vitest';
import { METRIC_KEYS, computeMetricsFromArrays } from './index';
import { compareValue } from './compare';
import { oracleToArrays, type OracleFile } from './oracle';
import { readOracle } from '../testing/oracles';

const file = readOracle<
  OracleFile & { tolerance: { float64_reimplementation: { rtol: number; atol: number } } }
>('metrics/metric_vectors.json');
const tol = file.tolerance.float64_reimplementation;
const EXACT = /accuracy|mismatch|agreement|^counts$/;

describe('host float64 path reproduces every oracle case at the float64 tolerance', () => {
  for (const c of file.cases) {
    it(`${c.name}: all 79 keys within rtol ${tol.rtol}, nulls exactly where the oracle has nulls`, async () => {
      const r = await computeMetricsFromArrays(oracleToArrays(c), METRIC_KEYS);
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
