import type { ArraySplit } from '../data/fromArrays';
import { createRng } from '../core/rng';

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
