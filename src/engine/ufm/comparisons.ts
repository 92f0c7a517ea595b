import type { UfmConfig } from '../config/schema';
import { isBalanced } from '../metrics/targets';
import type { ClassGeometry } from '../session/types';
import type { UfmTheory } from './theory';

/** One measured-vs-closed-form comparison of the Theory panel, per class or per direction. */
export interface TheoryComparison {
  title: string;
  labels: string[];
  measured: (number | null)[];
  predicted: (number | null)[];
  note?: string;
}

/** The four measured-vs-closed-form comparisons (values from the engine: geometry and theory). */
export function theoryComparisons(
  config: UfmConfig,
  g: ClassGeometry,
  t: UfmTheory,
): TheoryComparison[] {
  const K = config.classSizes.length;
  const classLabels = config.classSizes.map((n, k) => `class ${k} (n=${n})`);
  const first: TheoryComparison =
    t.loss === 'mse' && !config.bias && !isBalanced(config)
      ? {
          title: 'classifier row norms ‖w_k‖ vs √t_k',
          labels: classLabels,
          measured: g.classifierRowNorms,
          // √t_k is the closed-form length of classifier row k at the GOF (display of a theory value).
          predicted: t.t.map((tk) => Math.sqrt(tk)),
        }
      : {
          title: 'singular values of W_M⋯W_1',
          labels: Array.from(
            { length: Math.max(g.productSingularValues.length, K) },
            (_, i) => `σ${i + 1}`,
          ),
          measured: g.productSingularValues,
          predicted: t.productSingularValues,
        };
  const whDiagTheory = t.WH.map((row, k) => row[k]);
  const measuredBias = g.bias ?? [];
  const meanBias = measuredBias.reduce((a, v) => a + v, 0) / Math.max(1, measuredBias.length);
  return [
    first,
    {
      title: `class-mean norms ‖${config.bias ? 'h̄_k − h_G' : 'h̄_k'}‖`,
      labels: classLabels,
      measured: g.classMeanNorms,
      predicted: t.classMeanNorms,
    },
    {
      title: 'diag(W H̄ᵀ): output on own class',
      labels: classLabels,
      measured: g.whDiag,
      predicted: whDiagTheory,
    },
    config.bias && t.loss === 'ce'
      ? {
          // Cross-entropy ignores b → b + β1, so only the centred bias has a prediction.
          title: 'centred bias b_k − mean(b) (theory: 0)',
          labels: classLabels,
          measured: measuredBias.map((v) => v - meanBias),
          predicted: measuredBias.map(() => 0),
        }
      : config.bias
        ? {
            title: 'last-layer bias b_k (theory: n_k/N)',
            labels: classLabels,
            measured: g.bias ?? [],
            predicted: t.biasVector ?? [],
          }
        : {
            title: 'bias',
            labels: [],
            measured: [],
            predicted: [],
            note: 'no bias in this config',
          },
  ];
}
