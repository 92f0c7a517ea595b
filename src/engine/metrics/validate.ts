// Input checks shared by the device and host entry points: clear messages instead of NaNs.

/** Metrics input that cannot be used (shapes, labels, K); the message says what is wrong. */
export class MetricsInputError extends Error {
  override name = 'MetricsInputError';
}

/**
 * The most classes the metrics handle: 1 000 (ImageNet's count). K×K matrices and per-class
 * sums are allocated from K, so K, and every label, is checked against it before anything is.
 */
export const MAX_CLASSES = 1000;

/** Label-noise measures keep a d-vector per (label, original label) pair: K²·d ≤ 2²⁶ (512 MB). */
export const MAX_PAIR_SUM_ENTRIES = 2 ** 26;
export interface Shapes {
  K: number;
  N: number;
  d: number;
  labels: ArrayLike<number>;
  W: [number, number] | null;
  b: number | null;
  test: [number, number] | null;
  testLabels: number | null;
  labelsOriginal: ArrayLike<number> | null;
  ood: number | null;
  layers: [number, number][] | null;
  gof: { lambdaW: number; lambdaH: number; depth: number } | null;
}

export function toInt32Labels(v: ArrayLike<number>, what: string): Int32Array {
  const out = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (!Number.isInteger(x))
      throw new MetricsInputError(`${what}[${i}] = ${x} is not an integer label`);
    // Checked here, before the Int32Array store would wrap 2³¹ to a negative class.
    if (x < 0 || x >= MAX_CLASSES) {
      throw new MetricsInputError(
        `${what}[${i}] = ${x} is not a class index 0..${MAX_CLASSES - 1} (the class limit is ${MAX_CLASSES})`,
      );
    }
    out[i] = x;
  }
  return out;
}

function checkLabels(y: ArrayLike<number>, K: number, what: string): void {
  for (let i = 0; i < y.length; i++) {
    if (!(y[i] >= 0 && y[i] < K) || !Number.isInteger(y[i])) {
      throw new MetricsInputError(`${what}[${i}] = ${y[i]} is outside 0..${K - 1}`);
    }
  }
}

export function validateShapes(s: Shapes): void {
  const { K, N, d } = s;
  if (!Number.isInteger(K) || K < 1)
    throw new MetricsInputError(`K must be a positive integer, got ${K}`);
  if (K > MAX_CLASSES)
    throw new MetricsInputError(
      `K = ${K} is more than the ${MAX_CLASSES} classes NC Lab's metrics handle`,
    );
  if (N < 1 || d < 1)
    throw new MetricsInputError(`features must be a non-empty N×d matrix, got ${N}×${d}`);
  if (s.labels.length !== N)
    throw new MetricsInputError(`labels has length ${s.labels.length}, features has ${N} rows`);
  checkLabels(s.labels, K, 'labels');
  if (s.W && (s.W[0] !== K || s.W[1] !== d)) {
    throw new MetricsInputError(`W must be K×d = ${K}×${d}, got ${s.W[0]}×${s.W[1]}`);
  }
  if (s.b !== null && s.b !== K)
    throw new MetricsInputError(`b must have length K = ${K}, got ${s.b}`);
  if (s.test) {
    if (s.test[1] !== d)
      throw new MetricsInputError(`testFeatures has ${s.test[1]} columns, features has ${d}`);
    if (s.testLabels === null) throw new MetricsInputError('testFeatures given without testLabels');
    if (s.testLabels !== s.test[0]) {
      throw new MetricsInputError(
        `testLabels has length ${s.testLabels}, testFeatures has ${s.test[0]} rows`,
      );
    }
  }
  if (s.labelsOriginal) {
    if (K * K * d > MAX_PAIR_SUM_ENTRIES) {
      throw new MetricsInputError(
        `label-noise measures with K = ${K} and d = ${d} need K²·d = ${K * K * d} sums, more than ` +
          `the ${MAX_PAIR_SUM_ENTRIES} allowed; leave out the original labels or reduce d`,
      );
    }
    if (s.labelsOriginal.length !== N) {
      throw new MetricsInputError(
        `labelsOriginal has length ${s.labelsOriginal.length}, features has ${N} rows`,
      );
    }
    checkLabels(s.labelsOriginal, K, 'labelsOriginal');
  }
  if (s.ood !== null && s.ood !== d)
    throw new MetricsInputError(`oodGlobalMean must have length d = ${d}, got ${s.ood}`);
  if (s.layers) {
    if (s.layers.length === 0) throw new MetricsInputError('layers must hold at least one matrix');
    let inDim = d;
    s.layers.forEach(([out, inn], l) => {
      if (inn !== inDim)
        throw new MetricsInputError(
          `layers[${l}] is ${out}×${inn} but its input has dimension ${inDim}`,
        );
      inDim = out;
    });
    if (inDim !== K)
      throw new MetricsInputError(`the last layer must have K = ${K} outputs, got ${inDim}`);
  }
  if (s.gof) {
    const { lambdaW, lambdaH, depth } = s.gof;
    if (!(lambdaW > 0) || !(lambdaH > 0))
      throw new MetricsInputError('gof.lambdaW and gof.lambdaH must be > 0');
    if (!Number.isInteger(depth) || depth < 1)
      throw new MetricsInputError(`gof.depth must be a positive integer, got ${depth}`);
  }
}
