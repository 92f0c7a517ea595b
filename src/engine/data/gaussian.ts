import { createRng } from '../core/rng';
import { fail } from './errors';
import type { VectorDataset } from './types';

/**
 * A synthetic Gaussian mixture: K class means μ_k ~ N(0, s²/(2·dim) I) (so E‖μ_i − μ_j‖² = s²,
 * s = `separation`, in units of the noise std), samples x = μ_k + N(0, I). Sample i of a split
 * belongs to class i mod K. Train and test are drawn from the same means.
 */
export interface GaussianMixtureOptions {
  K: number;
  dim: number;
  /** Training samples per class. */
  nPerClass: number;
  /** Test samples per class (default: nPerClass). */
  testPerClass?: number;
  separation: number;
  seed: number;
}

export function gaussianMixture(o: GaussianMixtureOptions): VectorDataset {
  const nTest = o.testPerClass ?? o.nPerClass;
  const checks: [string, number, number, number][] = [
    ['K', o.K, 2, 1000],
    ['dim', o.dim, 1, 100_000],
    ['nPerClass', o.nPerClass, 1, 1_000_000],
    ['testPerClass', nTest, 0, 1_000_000],
  ];
  for (const [name, v, lo, hi] of checks) {
    if (!Number.isInteger(v) || v < lo || v > hi)
      fail(`gaussian: ${name} = ${v} must be an integer ${lo}…${hi}`);
  }
  if (!(o.separation >= 0 && Number.isFinite(o.separation)))
    fail(`gaussian: separation = ${o.separation} must be ≥ 0`);
  if ((o.nPerClass + nTest) * o.K * o.dim > 2e8) fail('gaussian: more than 2·10⁸ values requested');
  const rng = createRng(o.seed);
  const scale = o.separation / Math.sqrt(2 * o.dim);
  const means = new Float64Array(o.K * o.dim);
  for (let i = 0; i < means.length; i++) means[i] = rng.normal(0, scale);
  const draw = (perClass: number) => {
    const n = perClass * o.K;
    const x = new Float32Array(n * o.dim);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const k = i % o.K;
      labels[i] = k;
      for (let j = 0; j < o.dim; j++) x[i * o.dim + j] = means[k * o.dim + j] + rng.normal(0, 1);
    }
    return { x, labels };
  };
  const train = draw(o.nPerClass);
  const test = draw(nTest);
  return {
    kind: 'vectors',
    name: 'gaussian',
    classes: Array.from({ length: o.K }, (_, k) => `class ${k}`),
    dim: o.dim,
    train,
    test,
    splitNote:
      `Gaussian mixture, seed ${o.seed}: K = ${o.K}, dim = ${o.dim}, separation ${o.separation} ` +
      `(noise std 1); train ${o.nPerClass} and test ${nTest} per class, sample i in class i mod K`,
  };
}
