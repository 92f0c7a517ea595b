import { describe, expect, it } from 'vitest';
import { gaussianMixture } from './gaussian';

describe('Gaussian mixture', () => {
  const o = { K: 4, dim: 400, nPerClass: 300, testPerClass: 50, separation: 6, seed: 12 };

  it('is seeded: the same options give the same data, another seed other data', () => {
    const a = gaussianMixture(o);
    expect(Array.from(gaussianMixture(o).train.x.subarray(0, 50))).toEqual(
      Array.from(a.train.x.subarray(0, 50)),
    );
    expect(Array.from(gaussianMixture({ ...o, seed: 13 }).train.x.subarray(0, 50))).not.toEqual(
      Array.from(a.train.x.subarray(0, 50)),
    );
  });

  it('has class i mod K, unit noise around the class means and mean distances near the separation', () => {
    const ds = gaussianMixture(o);
    expect(ds.train.labels.length).toBe(1200);
    expect(ds.test.labels.length).toBe(200);
    expect(Array.from(ds.train.labels.subarray(0, 6))).toEqual([0, 1, 2, 3, 0, 1]);
    const means = Array.from({ length: o.K }, () => new Float64Array(o.dim));
    ds.train.labels.forEach((k, i) => {
      for (let j = 0; j < o.dim; j++) means[k][j] += ds.train.x[i * o.dim + j] / o.nPerClass;
    });
    let within = 0;
    ds.train.labels.forEach((k, i) => {
      for (let j = 0; j < o.dim; j++) within += (ds.train.x[i * o.dim + j] - means[k][j]) ** 2;
    });
    expect(within / (1200 * o.dim)).toBeCloseTo(1, 1);
    for (let a = 0; a < o.K; a++)
      for (let b = a + 1; b < o.K; b++) {
        const d = Math.sqrt(means[a].reduce((s, v, j) => s + (v - means[b][j]) ** 2, 0));
        // E‖μ_a − μ_b‖² = s² plus the sampling noise of the two estimated means (2·dim/n)
        expect(d / Math.sqrt(o.separation ** 2 + (2 * o.dim) / o.nPerClass)).toBeGreaterThan(0.8);
        expect(d / Math.sqrt(o.separation ** 2 + (2 * o.dim) / o.nPerClass)).toBeLessThan(1.2);
      }
  });

  it('refuses impossible sizes', () => {
    expect(() => gaussianMixture({ ...o, K: 1 })).toThrow(
      /gaussian: K = 1 must be an integer 2…1000/,
    );
    expect(() => gaussianMixture({ ...o, separation: -1 })).toThrow(/separation = -1 must be ≥ 0/);
  });
});
