import { describe, expect, it } from 'vitest';
import { DEFAULT_UFM_CONFIG, type UfmConfig } from '../config/schema';
import type { ClassGeometry } from '../session/types';
import { theoryComparisons } from './comparisons';
import { theoryForConfig } from './theory';

/** A measured geometry with distinct values per class (K = 3), as a session would report it. */
const geometry = (bias: number[] | null): ClassGeometry => ({
  centred: bias !== null,
  gramW: null,
  gramH: null,
  productSingularValues: [0.9, 0.8, 0.1],
  classifierRowNorms: [1.1, 0.7, 0.4],
  classMeanNorms: [2, 1.5, 1],
  whDiag: [0.5, 0.4, 0.3],
  bias,
  view3d: { basis: 'raw', explained: 1, means: [], classifier: [] },
});

function compare(patch: Partial<UfmConfig>, bias: number[] | null) {
  const config: UfmConfig = { ...DEFAULT_UFM_CONFIG, classSizes: [30, 20, 10], ...patch };
  const theory = theoryForConfig(config);
  if (!theory) throw new Error('no closed form for this config');
  return { theory, series: theoryComparisons(config, geometry(bias), theory) };
}

describe('the Theory panel comparisons, paired in the engine', () => {
  it('imbalanced bias-free MSE: classifier row norms against √t_k, W H̄ᵀ diagonal against the closed form', () => {
    const { theory, series } = compare({ bias: false, loss: 'mse' }, null);
    if (theory.loss !== 'mse') throw new Error('expected the MSE closed form');
    expect(series[0].title).toMatch(/row norms/);
    expect(series[0].measured).toEqual([1.1, 0.7, 0.4]);
    expect(series[0].predicted).toEqual(theory.t.map(Math.sqrt));
    expect(series[2].predicted).toEqual(theory.WH.map((row, k) => row[k]));
    expect(series[3].note).toBe('no bias in this config');
  });

  it('CE with a bias: only the centred bias is compared, b_k − mean(b) against 0', () => {
    // The CE closed form is for balanced classes.
    const { series } = compare({ bias: true, loss: 'ce', classSizes: [20, 20, 20] }, [1, 2, 6]);
    expect(series[3].title).toMatch(/centred bias/);
    expect(series[3].measured).toEqual([-2, -1, 3]);
    expect(series[3].predicted).toEqual([0, 0, 0]);
  });

  it('MSE with a bias: the raw bias against n_k / N', () => {
    const { theory, series } = compare({ bias: true, loss: 'mse' }, [0.5, 0.3, 0.2]);
    expect(series[3].measured).toEqual([0.5, 0.3, 0.2]);
    expect(series[3].predicted).toEqual(theory.biasVector);
    expect(series[3].predicted.map((v) => Number(v?.toFixed(6)))).toEqual([
      0.5, 0.333333, 0.166667,
    ]);
  });
});
