import { describe, expect, it } from 'vitest';
import { solveGofX } from './gof';
import { readOracle } from '../testing/oracles';

const UFM = ['balanced_M1_nobias', 'balanced_M3_bias', 'imbalanced_M1', 'imbalanced_M3'];

interface UfmOracle {
  config: { num_class_samples: number[] };
  closed_form: {
    b: number;
    N: number;
    M: number;
    lambda_W: number;
    lambda_H: number;
    x: number | number[];
  };
}

const phi = (x: number, M: number) => (M * x ** (M - 1)) / (1 + x ** M) ** 2;

describe('solveGofX', () => {
  for (const name of UFM) {
    it(`reproduces the closed-form b and x_k of the UFM oracle ${name}`, () => {
      const o = readOracle<UfmOracle>(`ufm/ref_ufm_${name}_it5000.json`);
      const cf = o.closed_form;
      const n = o.config.num_class_samples;
      const { b, x } = solveGofX(n, cf.N, cf.lambda_W, cf.lambda_H, cf.M);
      expect(Math.abs(b - cf.b)).toBeLessThanOrEqual(1e-12 * cf.b);
      const want = Array.isArray(cf.x) ? cf.x : n.map(() => cf.x as number);
      x.forEach((xk, k) => expect(Math.abs(xk - want[k])).toBeLessThanOrEqual(1e-10 * want[k]));
    });
  }

  it('M ≥ 2: returns the largest root (on the decreasing branch) of b/n = M x^(M-1)/(x^M+1)^2', () => {
    for (const M of [2, 3, 4, 6, 9]) {
      const xp = ((M - 1) / (M + 1)) ** (1 / M);
      const n = [1000, 300, 120, 80];
      const { b, x } = solveGofX(n, 1500, 1e-3, 2e-3, M);
      x.forEach((xk, k) => {
        const r = b / n[k];
        if (r > phi(xp, M)) expect(xk).toBe(0);
        else {
          expect(xk).toBeGreaterThanOrEqual(xp);
          expect(Math.abs(phi(xk, M) - r)).toBeLessThanOrEqual(1e-12 * r);
        }
      });
    }
  });

  it('no positive root (b/n above the maximum of φ) or an empty class gives x = 0 (minority collapse)', () => {
    // M = 2: max φ = φ(1/√3) ≈ 0.6495; choose b/n ≈ 1 for the small class
    const { b, x } = solveGofX([1e6, 10, 0], 1e6 + 10, 1e-5, 1e-5, 2);
    expect(b / 10).toBeGreaterThan(phi(Math.sqrt(1 / 3), 2));
    expect(x[0]).toBeGreaterThan(0);
    expect(x[1]).toBe(0);
    expect(x[2]).toBe(0);
  });

  it('M = 1 is the closed form max(0, √(n/b) − 1)', () => {
    const n = [40, 5, 1];
    const { b, x } = solveGofX(n, 46, 0.01, 0.02, 1);
    expect(b).toBeCloseTo(46 * 46 * 0.01 * 0.02, 14);
    x.forEach((xk, k) => expect(xk).toBe(Math.max(0, Math.sqrt(n[k] / b) - 1)));
  });

  it('rejects a non-integer depth and non-positive decays', () => {
    expect(() => solveGofX([1], 1, 1e-3, 1e-3, 1.5)).toThrow(/depth/);
    expect(() => solveGofX([1], 1, 0, 1e-3, 2)).toThrow(/lambda/);
  });
});
