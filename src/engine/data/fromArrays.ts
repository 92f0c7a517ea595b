import type { DatasetName, PreparedData, PreparedSplit } from './types';

/** Inputs (N × inputSize, row-major) and labels of one split, for tests and benchmarks. */
export interface ArraySplit {
  x: Float32Array;
  labels: ArrayLike<number>;
  /** Labels before noise; defaults to `labels`. */
  originalLabels?: ArrayLike<number>;
}

/**
 * A PreparedData over plain Float32Arrays (what the dataset loaders produce from files), so the
 * trainer runs on small hand-made sets (tests) and random inputs (benchmarks).
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
