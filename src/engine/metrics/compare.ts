// Tolerance comparison of metric values against oracle values (tests and CLI self-checks).
import type { MetricValue } from './types';

export interface Tolerance {
  rtol: number;
  atol: number;
}

/**
 * Returns null when `got` matches `expected` (nested arrays, nulls exactly where expected has
 * nulls, |got − exp| ≤ atol + rtol·|exp|, or exact equality when `exact`), else a description of
 * the first mismatch. A null where the oracle has a vector of nulls (an empty group, e.g. a
 * md_corrupted_means entry) counts as a match.
 */
export function compareValue(
  got: MetricValue | undefined,
  expected: MetricValue,
  tol: Tolerance,
  exact = false,
  path = '',
): string | null {
  if (expected === null)
    return got === null
      ? null
      : `${path}: expected null (undefined), got ${JSON.stringify(got)?.slice(0, 80)}`;
  // an empty group is reported as one null entry; the oracle writes it as a vector of NaN (null)s
  if (got === null && Array.isArray(expected) && isAllNull(expected)) return null;
  if (got === null || got === undefined)
    return `${path}: expected ${JSON.stringify(expected).slice(0, 80)}, got ${String(got)}`;
  if (typeof expected === 'number') {
    if (typeof got !== 'number')
      return `${path}: expected a number, got ${JSON.stringify(got).slice(0, 80)}`;
    const ok = exact
      ? got === expected
      : Math.abs(got - expected) <= tol.atol + tol.rtol * Math.abs(expected);
    return ok
      ? null
      : `${path}: got ${got}, expected ${expected} (diff ${Math.abs(got - expected).toExponential(3)})`;
  }
  if (!Array.isArray(got)) return `${path}: expected an array, got ${typeof got}`;
  const e = expected as unknown[];
  const g = got as unknown[];
  if (g.length !== e.length) return `${path}: length ${g.length}, expected ${e.length}`;
  for (let i = 0; i < e.length; i++) {
    const r = compareValue(g[i] as MetricValue, e[i] as MetricValue, tol, exact, `${path}[${i}]`);
    if (r) return r;
  }
  return null;
}

function isAllNull(v: unknown[]): boolean {
  return v.length > 0 && v.every((x) => x === null || (Array.isArray(x) && isAllNull(x)));
}
