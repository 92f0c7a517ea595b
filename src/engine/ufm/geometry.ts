import {
  centreRows,
  rowMean,
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
import type { ClassGeometry, View3d, ViewSamples } from '../session/types';

/**
 * What the panels draw of a run's last layer. `samples` (raw feature rows) join the 3-D view,
 * centred by the global mean and projected as the class means are.
 */
export function ufmGeometry(
  classMeans: Mat,
  counts: number[],
  W: Mat,
  bias: number[] | null,
  previousAxes: Mat | null,
  samples?: ViewSamples,
): { geometry: ClassGeometry; axes: Mat | null } {
  const centred = bias !== null;
  const N = counts.reduce((s, n) => s + n, 0);
  const weights = counts.map((n) => n / N);
  const means = centred ? centreRows(classMeans, weights) : classMeans;
  const { view3d, axes } = project3d(means, W, previousAxes);
  if (samples)
    view3d.samples = samplesInView(samples, centred ? rowMean(classMeans, weights) : null, axes);
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

/** At most this many samples, and this many of their numbers, go to the 3-D view a report. */
const VIEW_SAMPLES = 400;
export const VIEW_NUMBERS = 1 << 14;

/** The rows the 3-D view shows: evenly spaced over all N (whatever order the classes come in). */
export function viewRows(N: number, d: number): number[] {
  const n = Math.max(1, Math.min(N, VIEW_SAMPLES, Math.floor(VIEW_NUMBERS / d)));
  return Array.from({ length: n }, (_, i) => Math.floor((i * N) / n));
}

/**
 * The samples as the 3-D view draws them: each flat row less `origin` (the means' centre; null:
 * none), on the view's axes (raw coordinates padded to three when there are none), in one pass
 * over the numbers: no d-long row is ever built.
 */
export function samplesInView(
  samples: ViewSamples,
  origin: number[] | null,
  axes: Mat | null,
): NonNullable<View3d['samples']> {
  const { values, dim } = samples;
  const o = origin ?? new Array<number>(dim).fill(0);
  const rows = values.length / dim;
  const out: number[][] = [];
  for (let i = 0; i < rows; i++) {
    const at = i * dim;
    const point = [0, 0, 0];
    for (let a = 0; a < 3; a++) {
      if (!axes) {
        point[a] = a < dim ? values[at + a] - o[a] : 0;
        continue;
      }
      const u = axes[a];
      let sum = 0;
      for (let j = 0; j < dim; j++) sum += (values[at + j] - o[j]) * u[j];
      point[a] = sum;
    }
    out.push(point);
  }
  return { points: out, labels: samples.labels };
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
 * The closed form's W Wᵀ and H̄ H̄ᵀ scaled as the measured ones are (each over its Frobenius
 * norm), so the Gram panel draws measured and predicted on one scale. A zero matrix stays as is.
 */
export function theoryGrams(theory: { WWt: Mat; classMeanGram: Mat }): {
  gramW: Mat;
  gramH: Mat;
} {
  return {
    gramW: normalised(theory.WWt) ?? theory.WWt,
    gramH: normalised(theory.classMeanGram) ?? theory.classMeanGram,
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
