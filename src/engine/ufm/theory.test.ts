import { expectUfm } from '../config/schema';
import { describe, expect, it } from 'vitest';
import { readUfmOracle, UFM_CASES } from '../testing/oracles';
import { findPreset } from '../config/presets';
import { thresholdRatioGlobalMin, thresholdRatioPositiveRoot, ufmTheory } from './theory';

// The closed form is float64 algebra plus a root solve to ~1e-15: agreement with the oracle's
// float64 closed form to 1e-9 relative leaves room only for summation order.
const RTOL = 1e-9;
const ATOL = 1e-12;

function close(got: number, want: number): boolean {
  return Math.abs(got - want) <= ATOL + RTOL * Math.abs(want);
}

function expectClose(got: number[], want: number[], what: string): void {
  expect(got.length, what).toBe(want.length);
  got.forEach((g, i) => expect(close(g, want[i]), `${what}[${i}]: ${g} vs ${want[i]}`).toBe(true));
}

const diag = (A: number[][]) => A.map((row, i) => row[i]);

describe('closed-form UFM minimiser reproduces each oracle closed_form block', () => {
  for (const name of UFM_CASES) {
    it(name, () => {
      const o = readUfmOracle(name);
      const cf = o.closed_form as Record<string, never>;
      const th = ufmTheory({
        classSizes: o.config.num_class_samples,
        depth: o.config.depth_linear,
        lambdaW: o.config.weight_decay,
        lambdaH: o.config.feature_decay,
        bias: o.config.bias,
      });
      expectClose([th.b], [cf.b], 'b');
      expectClose(
        [th.thresholdRatioGlobalMin],
        [cf.threshold_ratio_global_min],
        'threshold global',
      );
      expectClose(
        [th.thresholdRatioPositiveRoot],
        [cf.threshold_ratio_positive_root_exists],
        'threshold root',
      );
      expectClose(th.layerSingularValues, cf.s_layer_singular_values, 'layer singular values');
      expectClose(th.productSingularValues, cf.product_singular_values, 'product singular values');
      expectClose(th.classMeanNorms, cf.class_mean_norms, 'class-mean norms');
      expectClose([th.lossMin], [cf.loss_min], 'minimum loss');
      if (o.config.bias) {
        // Balanced with bias: a simplex ETF; x is one scalar for the K−1 live directions.
        expectClose(
          th.x.filter((x) => x > 0),
          th.x.filter((x) => x > 0).map(() => cf.x),
          'x',
        );
        th.WWt.forEach((row, i) => expectClose(row, (cf.WWt as number[][])[i], `WWt row ${i}`));
        th.WH.forEach((row, i) =>
          expectClose(row, (cf.WH_centered as number[][])[i], `WH row ${i}`),
        );
        expectClose(th.biasVector ?? [], cf.bias_vector, 'bias');
        expectClose(th.outputDiag, cf.predicted_output_diag, 'output diag');
      } else {
        expectClose(th.x, cf.x_global, 'x (global)');
        expectClose(th.xLargestRoot, cf.x, 'x (largest root)');
        expect(th.xPositiveButNotGlobal).toEqual(cf.x_positive_but_not_global);
        expectClose(diag(th.WWt), cf.WWt_diag, 'diag W Wᵀ');
        expectClose(diag(th.WH), cf.WH_diag, 'diag W H̄');
        expectClose(diag(th.classMeanGram), cf.HtH_diag, 'diag H̄ᵀH̄');
        const rowScale = diag(th.WWt).map((w, k) => Math.sqrt(w / diag(th.classMeanGram)[k]));
        expectClose(rowScale, cf.W_over_Ht_row_scale, 'W = diag(t + Nλ_H) H̄ᵀ row scale');
        expect(th.biasVector).toBeNull();
      }
      const perDepth = (
        o as unknown as { comparison: { per_depth_predictions: Record<string, number[]>[] } }
      ).comparison.per_depth_predictions;
      perDepth.forEach((p, j) => {
        expectClose(th.perDepth[j].PPtEigs, p.pred_PPt_eigs_desc, `P_j P_jᵀ eigenvalues, j = ${j}`);
        expectClose(
          th.perDepth[j].meanGramDiag,
          p.pred_mean_gram_diag,
          `means' Gram diag, j = ${j}`,
        );
        expectClose(
          th.perDepth[j].PTimesMeansDiag,
          p.pred_P_times_means_diag,
          `P_j means diag, j = ${j}`,
        );
      });
    });
  }
});

/**
 * g(x) of docs/deep-linear-theory.md §2 for one class; the global minimiser over x ≥ 0 found by
 * brute force.
 */
function g(x: number, n: number, N: number, M: number, lW: number, lH: number): number {
  return n / (2 * N * (1 + x ** M)) + ((M * lW) / 2) * (N * lH) ** (1 / M) * x;
}

function bruteForceMinimiser(n: number, N: number, M: number, lW: number, lH: number): number {
  let best = 0;
  let bestValue = g(0, n, N, M, lW, lH);
  for (let x = 1e-3; x < 200; x *= 1.0005) {
    const v = g(x, n, N, M, lW, lH);
    if (v < bestValue) [best, bestValue] = [x, v];
  }
  return best;
}

describe('minority-collapse thresholds', () => {
  const N = 400;
  const lH = 5e-4;
  for (const M of [1, 2, 3, 6, 9]) {
    it(`M = ${M}: a class is non-zero exactly when b/n_k is below the global-minimum threshold`, () => {
      const thr = thresholdRatioGlobalMin(M);
      for (const side of [0.97, 1.03]) {
        // Choose λ_W so that b/n = side · threshold for a class of n = 100.
        const n = 100;
        const lW = (side * thr * n) / (M * N * (N * lH) ** (1 / M));
        const th = ufmTheory({
          classSizes: [n, N - n],
          depth: M,
          lambdaW: lW,
          lambdaH: lH,
          bias: false,
        });
        const brute = bruteForceMinimiser(n, N, M, lW, lH);
        expect(th.x[0] > 0, `side ${side}`).toBe(side < 1);
        expect(brute > 0, `brute force, side ${side}`).toBe(side < 1);
        if (side < 1) expect(Math.abs(th.x[0] - brute) / brute).toBeLessThan(2e-3);
        // criticalLambdaW is the λ_W at which this class's ratio hits the threshold.
        expect(Math.abs(th.criticalLambdaW[0] * side - lW) / lW).toBeLessThan(1e-12);
      }
    });
  }

  it('the positive-root threshold lies above the global one for M ≥ 2 (a band of local-only minima)', () => {
    for (const M of [2, 3, 6, 9])
      expect(thresholdRatioPositiveRoot(M)).toBeGreaterThan(thresholdRatioGlobalMin(M));
    // Inside the band the largest root is positive but not the global minimiser.
    const M = 3;
    const r = (thresholdRatioGlobalMin(M) + thresholdRatioPositiveRoot(M)) / 2;
    const n = 100;
    const lW = (r * n) / (M * N * (N * lH) ** (1 / M));
    const th = ufmTheory({
      classSizes: [n, N - n],
      depth: M,
      lambdaW: lW,
      lambdaH: lH,
      bias: false,
    });
    expect(th.xLargestRoot[0]).toBeGreaterThan(0);
    expect(th.x[0]).toBe(0);
    expect(th.xPositiveButNotGlobal[0]).toBe(true);
    expect(g(th.xLargestRoot[0], n, N, M, lW, lH)).toBeGreaterThan(g(0, n, N, M, lW, lH));
  });

  it('M = 1: class k survives iff n_k > N² λ_W λ_H', () => {
    const th = ufmTheory({
      classSizes: [200, 100, 50, 50],
      depth: 1,
      lambdaW: 0.02,
      lambdaH: 0.02,
      bias: false,
    });
    const cut = 400 ** 2 * 0.02 * 0.02;
    expect(th.x.map((x) => x > 0)).toEqual([200, 100, 50, 50].map((n) => n > cut));
  });

  it('the minority-collapse presets put exactly the two small classes past the threshold', () => {
    for (const id of ['minority-collapse-m1', 'minority-collapse-m3']) {
      const c = expectUfm(findPreset(id)!.config);
      expect(ufmTheory(c).zeroDirections, id).toEqual([2, 3]);
    }
  });
});
