import type { DatasetName, PreparedData, PreparedSplit } from '../data/types';
import { createRng } from '../rng';

/** Inputs (N × inputSize, row-major) and labels of one split, for tests and benchmarks. */
export interface ArraySplit {
  x: Float32Array;
  labels: ArrayLike<number>;
  /** Labels before noise; defaults to `labels`. */
  originalLabels?: ArrayLike<number>;
}

/**
 * A PreparedData over plain Float32Arrays (what the dataset loaders produce from files), so the
 * trainer can be tested on small hand-made sets.
 */
export function preparedFromArrays(spec: {
  inputShape: number[];
  K: number;
  train: ArraySplit;
  test?: ArraySplit;
  val?: ArraySplit;
  name?: DatasetName;
}): PreparedData {
  const inputSize = spec.inputShape.reduce((a, b) => a * b, 1);
  const splits = { train: spec.train, val: spec.val, test: spec.test };
  const prepared = (s: ArraySplit | undefined, name: string): PreparedSplit => {
    if (!s) return emptySplit();
    const n = s.labels.length;
    if (s.x.length !== n * inputSize) {
      throw new Error(`${name}: ${s.x.length} inputs for ${n} samples of size ${inputSize}`);
    }
    return {
      n,
      labels: Int32Array.from(s.labels),
      originalLabels: Int32Array.from(s.originalLabels ?? s.labels),
      sourceIndex: Int32Array.from({ length: n }, (_, i) => i),
      storedIndex: Int32Array.from({ length: n }, (_, i) => i),
    };
  };
  return {
    name: spec.name ?? 'gaussian',
    K: spec.K,
    classes: Array.from({ length: spec.K }, (_, k) => `class ${k}`),
    inputShape: spec.inputShape,
    inputSize,
    train: prepared(spec.train, 'train'),
    val: prepared(spec.val, 'val'),
    test: prepared(spec.test, 'test'),
    fill(split, rows, out) {
      const s = splits[split];
      if (!s) throw new Error(`no ${split} split`);
      for (let i = 0; i < rows.length; i++) {
        out.set(s.x.subarray(rows[i] * inputSize, (rows[i] + 1) * inputSize), i * inputSize);
      }
    },
    notes: ['test data built from arrays'],
    inputForm: spec.inputShape.length === 3 ? 'image' : 'flat',
    valueRange() {
      let lo = Infinity;
      let hi = -Infinity;
      for (const split of [spec.train, spec.val, spec.test]) {
        for (const v of split?.x ?? []) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
      return [lo, hi];
    },
  };
}

function emptySplit(): PreparedSplit {
  const none = new Int32Array(0);
  return { n: 0, labels: none, originalLabels: none, sourceIndex: none, storedIndex: none };
}

/**
 * K Gaussian clusters in `dim` dimensions: unit-variance noise around means of norm
 * `separation` along random directions (drawn once from the seed), `trainPerClass` and
 * `testPerClass` samples of each class, labels in class order.
 */
export function gaussianClusters(
  seed: string,
  spec: { K: number; dim: number; separation: number; trainPerClass: number; testPerClass: number },
): { train: ArraySplit; test: ArraySplit } {
  const { K, dim, separation } = spec;
  const rng = createRng(seed);
  const means = Array.from({ length: K }, () => {
    const v = Array.from({ length: dim }, () => rng.normal(0, 1));
    const norm = Math.hypot(...v);
    return v.map((a) => (a / norm) * separation);
  });
  const draw = (perClass: number): ArraySplit => {
    const x = new Float32Array(K * perClass * dim);
    const labels: number[] = [];
    for (let k = 0; k < K; k++) {
      for (let i = 0; i < perClass; i++) {
        const row = labels.length;
        for (let j = 0; j < dim; j++) x[row * dim + j] = means[k][j] + rng.normal(0, 1);
        labels.push(k);
      }
    }
    return { x, labels };
  };
  return { train: draw(spec.trainPerClass), test: draw(spec.testPerClass) };
}

/** Uniform(−1, 1) inputs with random labels: for gradient checks, not for learning. */
export function randomSplit(seed: string, n: number, size: number, K: number): ArraySplit {
  const rng = createRng(seed);
  const x = Float32Array.from({ length: n * size }, () => 2 * rng.uniform() - 1);
  const labels = Array.from({ length: n }, (_, i) => i % K);
  return { x, labels };
}
