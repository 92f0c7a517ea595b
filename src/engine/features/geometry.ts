import { centreRows, etfTarget, gram, normalised, plain, rowMean, type Mat } from '../core/linalg';
import type { View3d, ViewSamples } from '../session/types';
import { project3d, samplesInView } from '../ufm/geometry';

/**
 * The class-mean geometry of measured features, for the Gram and 3-D panels (the UI never
 * computes it): both Grams are divided by their Frobenius norm, like the nc2_etf_error_* metrics,
 * so each sits beside the unit-norm simplex-ETF target it is measured against.
 */
export interface FeatureGeometry {
  /** Class labels of the rows (the non-empty classes). */
  classes: number[];
  /** Samples per row. */
  counts: number[];
  /** M̃ M̃ᵀ / ‖·‖_F, M̃ = class means − the sample-weighted global mean; null when M̃ = 0. */
  gramMeans: Mat | null;
  /** A classifier W was given. */
  hasClassifier: boolean;
  /** W Wᵀ / ‖·‖_F over the same classes; null without W (or when W = 0). */
  gramW: Mat | null;
  /** (I − 11ᵀ/K)/√(K − 1): the simplex ETF, unit Frobenius norm. */
  etf: Mat;
  /** Centred means (raw when d ≤ 3, else their top-3 PCA) and classifier rows on the same axes. */
  view3d: View3d;
}

/**
 * From the class means (rows of the non-empty classes), their counts and, when given, the
 * classifier rows of the same classes and some samples (raw rows, centred and projected as the
 * means are). Null for fewer than two classes (no geometry to show).
 */
export function featureGeometry(
  classes: number[],
  classMeans: Mat,
  counts: number[],
  W: Mat | null,
  samples?: ViewSamples,
): FeatureGeometry | null {
  const K = classMeans.length;
  if (K < 2) return null;
  const N = counts.reduce((s, n) => s + n, 0);
  const weights = counts.map((n) => n / N);
  const centred = centreRows(classMeans, weights);
  const { view3d, axes } = project3d(centred, W ?? [], null);
  if (samples) view3d.samples = samplesInView(samples, rowMean(classMeans, weights), axes);
  return {
    classes,
    counts,
    gramMeans: normalised(gram(centred)),
    hasClassifier: W !== null,
    gramW: W ? normalised(gram(W)) : null,
    etf: plain(etfTarget(K)),
    view3d,
  };
}
