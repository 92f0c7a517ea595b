import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendInfo } from '../core/backend';
import { parseConfig, expectUfm, ConfigError } from '../config/schema';
import { runExperiment } from '../run/runner';
import { readOracle } from '../testing/oracles';
import { theoryForConfig, type CeUfmTheory } from './theory';
import { ceObjective, ceTheoryScalars, ceUfmTheory } from './theoryCe';

interface LbfgsCase {
  input: {
    K: number;
    n: number;
    d: number;
    M: number;
    lambdaW: number;
    lambdaH: number;
    labelSmoothing: number;
    bias: boolean;
  };
  loss: number;
  product_singular_values: number[];
  layer_singular_values: number[][];
  class_mean_norms: number[];
  global_mean_norm: number;
  losses_by_start: number[];
}

const lbfgs = readOracle<{ cases: LbfgsCase[] }>('ufm/ce_lbfgs.json').cases;

function theoryOf(c: LbfgsCase['input']): CeUfmTheory {
  return ceUfmTheory({
    classSizes: Array<number>(c.K).fill(c.n),
    depth: c.M,
    lambdaW: c.lambdaW,
    lambdaH: c.lambdaH,
    bias: c.bias,
    labelSmoothing: c.labelSmoothing,
  });
}

/** Non-zero singular values (relative to the largest). */
function rank(values: number[]): number {
  return values.filter((v) => v > 1e-4 * values[0]).length;
}

describe('cross-entropy UFM closed form against float64 L-BFGS over every parameter', () => {
  for (const ref of lbfgs) {
    const { K, M, bias, labelSmoothing: a } = ref.input;
    const label = `K=${K} n=${ref.input.n} M=${M} λ=${ref.input.lambdaW} ${bias ? 'bias' : 'no bias'} α=${a}`;
    if (rank(ref.product_singular_values) === K - 1) {
      it(`${label}: the best of 8 starts is the simplex ETF, with the closed form's minimum, singular values and mean norms`, () => {
        const t = theoryOf(ref.input);
        // L-BFGS stops at a gradient norm of ~1e-9: the objective agrees to ~1e-12, parameters to ~1e-7.
        expect(Math.abs(t.lossMin - ref.loss)).toBeLessThan(1e-11);
        ref.product_singular_values.forEach((v, i) =>
          expect(Math.abs(v - t.productSingularValues[i]), `σ${i}`).toBeLessThan(1e-6 * (1 + v)),
        );
        for (const layer of ref.layer_singular_values) {
          layer.forEach((v, i) =>
            expect(Math.abs(v - t.layerSingularValues[i]), `s${i}`).toBeLessThan(2e-6),
          );
        }
        ref.class_mean_norms.forEach((v, k) =>
          expect(Math.abs(v - t.classMeanNorms[k]), `‖h_${k}‖`).toBeLessThan(1e-6),
        );
        expect(ref.global_mean_norm).toBeLessThan(1e-7);
        // No start ends below the closed form.
        expect(Math.min(...ref.losses_by_start)).toBeGreaterThan(t.lossMin - 1e-11);
      });
    } else {
      // docs/deep-linear-theory.md §9: for M ≥ 2 the ETF can lose to a lower-rank configuration.
      it(`${label}: a lower-rank configuration (rank ${rank(ref.product_singular_values)} < K − 1) beats the ETF closed form`, () => {
        const t = theoryOf(ref.input);
        expect(M).toBeGreaterThanOrEqual(2);
        expect(t.etfGuaranteedGlobal).toBe(false);
        expect(ref.loss).toBeLessThan(t.lossMin * (1 - 1e-3));
      });
    }
  }

  it('the closed form says the ETF is the global minimiser only for M = 1', () => {
    expect(theoryOf({ ...lbfgs[0].input, M: 1 }).etfGuaranteedGlobal).toBe(true);
    expect(theoryOf({ ...lbfgs[0].input, M: 2 }).etfGuaranteedGlobal).toBe(false);
  });
});

describe('cross-entropy scalar problem', () => {
  it('M = 1 margin is the closed form log((K−1)(1−q)/q) with q = c + α(K−1)/K', () => {
    const s = ceTheoryScalars({
      classSizes: [10, 10, 10, 10],
      depth: 1,
      lambdaW: 1e-3,
      lambdaH: 2e-3,
      bias: true,
      labelSmoothing: 0.1,
    });
    const q = s.coefficient + (0.1 * 3) / 4;
    expect(s.coefficient).toBeCloseTo(3 * Math.sqrt(10 * 2e-3 * 1e-3), 14);
    expect(s.margin).toBeCloseTo(Math.log((3 * (1 - q)) / q), 10);
  });

  it('at the optimum the margin is σ·τ and the weight decay is M times the feature decay', () => {
    const t = ceUfmTheory({
      classSizes: [7, 7, 7],
      depth: 3,
      lambdaW: 1e-3,
      lambdaH: 4e-3,
      bias: false,
      labelSmoothing: 0,
    });
    expect(t.productSingularValues[0] * t.featureScale).toBeCloseTo(t.margin, 10);
    expect(t.lossTerms.weightDecay).toBeCloseTo(3 * t.lossTerms.featureDecay, 12);
    // The decay terms as the model computes them: λ_W/2 · M (K−1) s² and λ_H/2 · N ‖h̄‖².
    expect(t.lossTerms.weightDecay).toBeCloseTo((1e-3 / 2) * 3 * 2 * t.layerScale ** 2, 12);
    expect(t.lossTerms.featureDecay).toBeCloseTo((4e-3 / 2) * 21 * t.classMeanNorms[0] ** 2, 12);
  });

  it('strong decay sends everything to the origin (M = 1 once c ≥ (K−1)/K)', () => {
    const s = ceTheoryScalars({
      classSizes: [5, 5, 5, 5],
      depth: 1,
      lambdaW: 0.16,
      lambdaH: 0.16,
      bias: true,
      labelSmoothing: 0,
    });
    expect(s.coefficient).toBeGreaterThanOrEqual(0.75);
    expect(s.margin).toBe(0);
    expect(s.lossMin).toBeCloseTo(Math.log(4), 14);
  });

  it('M = 2: a positive local minimum that is worse than log K is not the global minimiser', () => {
    // Scan λ upwards until the positive local minimum of φ loses to the origin but still exists.
    const K = 3;
    let found = false;
    for (let lambda = 0.01; lambda < 1 && !found; lambda *= 1.05) {
      const input = {
        classSizes: [4, 4, 4],
        depth: 2,
        lambdaW: lambda,
        lambdaH: lambda,
        bias: false,
        labelSmoothing: 0,
      };
      const s = ceTheoryScalars(input);
      if (s.localMargin > 0 && s.margin === 0) {
        const phi = ceObjective(K, 2, s.coefficient, 0);
        expect(phi(s.localMargin)).toBeGreaterThanOrEqual(Math.log(K));
        expect(s.lossMin).toBeCloseTo(Math.log(K), 14);
        found = true;
      }
    }
    expect(found).toBe(true);
  });

  it('imbalanced cross-entropy has no closed form: the theory is null and the direct call says why', () => {
    const config = expectUfm(
      parseConfig({ experiment: 'ufm', classSizes: [20, 10], loss: 'ce', hidden: 4 }),
    );
    expect(theoryForConfig(config)).toBeNull();
    expect(() => ceUfmTheory({ ...config, depth: 1 })).toThrow(/balanced classes/);
  });

  it('label smoothing with the MSE loss is refused, naming the field', () => {
    expect(() => parseConfig({ experiment: 'ufm', labelSmoothing: 0.1 })).toThrow(ConfigError);
    expect(() => parseConfig({ experiment: 'ufm', labelSmoothing: 0.1 })).toThrow(
      /labelSmoothing: label smoothing applies to the cross-entropy only/,
    );
  });
});

let backend: BackendInfo;
beforeAll(async () => {
  backend = await initBackend('wasm');
});

describe('the engine trained with cross-entropy converges to the closed form', () => {
  const runs = [
    { classSizes: [8, 8, 8], depth: 1, bias: true, labelSmoothing: 0, steps: 3000 },
    { classSizes: [8, 8, 8, 8], depth: 1, bias: false, labelSmoothing: 0.1, steps: 3000 },
    { classSizes: [8, 8, 8], depth: 2, bias: false, labelSmoothing: 0, steps: 4000 },
    { classSizes: [8, 8, 8], depth: 2, bias: true, labelSmoothing: 0.1, steps: 4000 },
  ];
  for (const r of runs) {
    const K = r.classSizes.length;
    it(`K=${K} M=${r.depth} ${r.bias ? 'bias' : 'no bias'} α=${r.labelSmoothing}: loss to 1e-5, singular values and mean norms to 1e-3, a simplex ETF`, async () => {
      const config = expectUfm(
        parseConfig({
          experiment: 'ufm',
          ...r,
          loss: 'ce',
          hidden: 6,
          lambdaW: 5e-3,
          lambdaH: 5e-3,
          initStd: 0.3,
          reportEvery: r.steps,
        }),
      );
      const result = await runExperiment(config, backend);
      const t = theoryForConfig(config);
      if (!t || t.loss !== 'ce') throw new Error('expected the cross-entropy closed form');
      expect(t.margin).toBeGreaterThan(1);
      const m = result.final!.metrics;
      const g = result.final!.geometry;
      expect(result.status).toBe('completed');
      expect(Math.abs(Number(m.loss) - t.lossMin) / t.lossMin).toBeLessThan(1e-5);
      expect(Number(m.loss_data)).toBeCloseTo(t.lossTerms.data, 4);
      t.productSingularValues.forEach((v, i) =>
        expect(Math.abs(g.productSingularValues[i] - v), `σ${i}`).toBeLessThan(1e-3 * (1 + v)),
      );
      g.classMeanNorms.forEach((v, k) =>
        expect(Math.abs(v - t.classMeanNorms[k]), `‖h_${k}‖`).toBeLessThan(1e-3),
      );
      expect(Number(m.nc1_pinv)).toBeLessThan(1e-6);
      expect(Number(m.nc2_etf_error_weights)).toBeLessThan(1e-3);
      expect(Number(m.nc2_etf_error_means)).toBeLessThan(1e-3);
      // Without a bias the orthogonal frame is not what CE converges to.
      expect(Number(m.nc2_identity_error_weights)).toBeGreaterThan(0.1);
    });
  }
});

describe('deep cross-entropy: the engine can end below the ETF, as L-BFGS does', () => {
  it('K=4 n=8 M=2 λ=5e-3: training ends at the rank-2 minimiser of the L-BFGS search, below the ETF closed form', async () => {
    const ref = lbfgs.find(
      (c) => c.input.K === 4 && c.input.n === 8 && c.input.M === 2 && c.input.lambdaW === 5e-3,
    );
    if (!ref) throw new Error('oracle case K=4 n=8 M=2 λ=5e-3 missing');
    const config = expectUfm(
      parseConfig({
        experiment: 'ufm',
        classSizes: [8, 8, 8, 8],
        depth: 2,
        hidden: 8,
        bias: true,
        loss: 'ce',
        lambdaW: 5e-3,
        lambdaH: 5e-3,
        initStd: 0.3,
        steps: 4000,
        reportEvery: 4000,
      }),
    );
    const result = await runExperiment(config, backend);
    const t = theoryForConfig(config)!;
    const loss = Number(result.final!.metrics.loss);
    expect(Math.abs(loss - ref.loss) / ref.loss).toBeLessThan(1e-5);
    expect(loss).toBeLessThan(t.lossMin * (1 - 1e-3));
    const sv = result.final!.geometry.productSingularValues;
    expect(rank(sv)).toBe(2);
    ref.product_singular_values
      .slice(0, 2)
      .forEach((v, i) => expect(Math.abs(sv[i] - v) / v, `σ${i}`).toBeLessThan(1e-2));
  });
});
