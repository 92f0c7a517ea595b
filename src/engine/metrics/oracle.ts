// Test/CLI helpers for the metric_vectors.json format (docs/metrics.md §6). No expected
// numbers live here: they are read from the oracle file at run time.
import { MetricsInputError } from './validate';
import type { ArrayMetricsInput, GofParams, MetricValue } from './types';

export interface OracleCaseInputs {
  K: number;
  d: number;
  N: number;
  H: number[][];
  y: number[];
  W: number[][] | null;
  b: number[] | null;
  H_test: number[][] | null;
  y_test: number[] | null;
  y_orig: number[] | null;
  ood_global_mean: number[] | null;
  layers: number[][][] | null;
  gof: { lambda_W: number; lambda_H: number; depth: number } | null;
}

export interface OracleCase {
  name: string;
  description?: string;
  inputs: OracleCaseInputs;
  expected?: Record<string, MetricValue>;
  undefined?: Record<string, string>;
  diagnostics?: Record<string, unknown>;
}

export interface OracleFile {
  tolerance?: Record<string, unknown>;
  cases: OracleCase[];
}

export function isOracleFile(x: unknown): x is OracleFile {
  return typeof x === 'object' && x !== null && Array.isArray((x as OracleFile).cases);
}

export function gofFromOracle(g: OracleCaseInputs['gof']): GofParams | null {
  return g ? { lambdaW: g.lambda_W, lambdaH: g.lambda_H, depth: g.depth } : null;
}

/** Converts a case's inputs to the host entry point's input; checks the fields it relies on. */
export function oracleToArrays(c: OracleCase): ArrayMetricsInput {
  const inp = c.inputs;
  if (!inp || typeof inp.K !== 'number' || !Array.isArray(inp.H) || !Array.isArray(inp.y)) {
    throw new MetricsInputError(
      `case "${c.name ?? '?'}": inputs need K (number), H (N×d array) and y (labels)`,
    );
  }
  return {
    K: inp.K,
    features: inp.H,
    labels: inp.y,
    W: inp.W ?? null,
    b: inp.b ?? null,
    testFeatures: inp.H_test ?? null,
    testLabels: inp.y_test ?? null,
    labelsOriginal: inp.y_orig ?? null,
    oodGlobalMean: inp.ood_global_mean ?? null,
    layers: inp.layers ?? null,
    gof: gofFromOracle(inp.gof ?? null),
  };
}
