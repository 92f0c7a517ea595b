import {
  centreRows,
  dot,
  etfTarget,
  gram,
  identityTarget,
  normalised,
  plain,
  singularValues,
  symEig,
  type Mat,
} from '../core/linalg';
import type { ClassGeometry, View3d } from '../session/types';

export function ufmGeometry(
  classMeans: Mat,
  counts: number[],
  W: Mat,
  bias: number[] | null,
  previousAxes: Mat | null,
): { geometry: ClassGeometry; axes: Mat | null } {
  const centred = bias !== null;
  const N = counts.reduce((s, n) => s + n, 0);
  const means = centred
    ? centreRows(
        classMeans,
        counts.map((n) => n / N),
      )
    : classMeans;
  const { view3d, axes } = project3d(means, W, previousAxes);
  return {
    geometry: {
      centred,
      gramW: normalised(gram(W)),
      gramH: normalised(gram(means)),
      productSingularValues: singularValues(W),
      classifierRowNorms: W.map((w) => Math.sqrt(dot(w, w))),
      classMeanNorms: means.map((m) => Math.sqrt(dot(m, m))),
      whDiag: W.map((w, k) => dot(w, means[k])),
      bias,
      view3d,
    },
    axes,
  };
}

/**
 * Raw coordinates when d ≤ 3; otherwise the top three principal axes of the class means
 * (from the K×K Gram), with signs kept consistent with the previous report so the view does
 * not flip while training runs.
 */
export function project3d(
  means: Mat,
  W: Mat,
  previousAxes: Mat | null,
): { view3d: View3d; axes: Mat | null } {
  const d = means[0].length;
  if (d <= 3) {
    const pad = (v: number[]) => [0, 1, 2].map((i) => v[i] ?? 0);
    return {
      view3d: { basis: 'raw', explained: 1, means: means.map(pad), classifier: W.map(pad) },
      axes: null,
    };
  }
  const { values, vectors } = symEig(gram(means));
  const total = values.reduce((s, v) => s + Math.max(0, v), 0);
  const axes: Mat = [];
  for (let i = 0; i < 3; i++) {
    const lambda = values[i] ?? 0;
    let axis: number[];
    if (lambda > 1e-12 * (values[0] || 1)) {
      // u_i = H̄ᵀ v_i / √λ_i
      axis = Array.from(
        { length: d },
        (_, j) => means.reduce((s, m, k) => s + m[j] * vectors[i][k], 0) / Math.sqrt(lambda),
      );
    } else {
      axis = new Array<number>(d).fill(0);
    }
    if (previousAxes && dot(axis, previousAxes[i]) < 0) axis = axis.map((v) => -v);
    axes.push(axis);
  }
  const kept = values.slice(0, 3).reduce((s, v) => s + Math.max(0, v), 0);
  const project = (v: number[]) => axes.map((u) => dot(v, u));
  return {
    view3d: {
      basis: 'pca',
      explained: total > 0 ? kept / total : 0,
      means: means.map(project),
      classifier: W.map(project),
    },
    axes,
  };
}

/**
 * The Gram matrix of an ideal frame, Frobenius-normalised: the simplex ETF's I − 11ᵀ/K or the
 * orthogonal frame's I. Networks have no closed form for the lengths, so their Gram panels
 * compare with this shape.
 */
export function frameGram(kind: 'etf' | 'identity', K: number): Mat {
  return plain(kind === 'etf' ? etfTarget(K) : identityTarget(K));
}
