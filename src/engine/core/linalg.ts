// Small dense float64 linear algebra on the host (K×K, K×d), the one place for it: metrics,
// geometry and the closed forms all use these helpers. Matrices are arrays of row vectors:
// computed ones are Float64Array rows (`Rows`); ones a report, a state file or the UI carries are
// plain nested arrays (`Mat`, JSON-safe). Every function reads either (`RowsLike`).
import { EigenvalueDecomposition } from 'ml-matrix';

export type Rows = Float64Array[];
export type Mat = number[][];
export type RowsLike = readonly ArrayLike<number>[];

/**
 * Relative zero threshold for norms and distances: a vector whose norm is below REL_ZERO times the
 * scale of its family is treated as zero. 1e-6 sits well above float32 resolution (~1e-7) and far
 * below any genuine geometric difference, and being relative it survives the tiny_scale case.
 */
export const REL_ZERO = 1e-6;

export function zeros(rows: number, cols: number): Rows {
  return Array.from({ length: rows }, () => new Float64Array(cols));
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

export function sub(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] - b[i];
  return out;
}

export function scale(a: ArrayLike<number>, s: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] * s;
  return out;
}

/** A Bᵀ (rows of A against rows of B). */
export function gram(A: RowsLike, B: RowsLike = A): Rows {
  const G = zeros(A.length, B.length);
  for (let i = 0; i < A.length; i++) {
    for (let j = 0; j < B.length; j++) {
      G[i][j] = A === B && j < i ? G[j][i] : dot(A[i], B[j]);
    }
  }
  return G;
}

/** A B for A (m×k) and B (k×n). */
export function matMul(A: RowsLike, B: RowsLike): Rows {
  const n = B.length > 0 ? B[0].length : 0;
  const out = zeros(A.length, n);
  for (let i = 0; i < A.length; i++) {
    const o = out[i];
    const a = A[i];
    for (let k = 0; k < a.length; k++) {
      const aik = a[k];
      if (aik === 0) continue;
      const b = B[k];
      for (let j = 0; j < n; j++) o[j] += aik * b[j];
    }
  }
  return out;
}

export function frob(A: RowsLike): number {
  let s = 0;
  for (const r of A) s += dot(r, r);
  return Math.sqrt(s);
}

/** ‖A/‖A‖_F − B/‖B‖_F‖_F, or null when either matrix is zero. */
export function normalisedDistance(A: RowsLike, B: RowsLike): number | null {
  const na = frob(A);
  const nb = frob(B);
  if (!(na > 0) || !(nb > 0)) return null;
  let s = 0;
  for (let i = 0; i < A.length; i++) {
    for (let j = 0; j < A[i].length; j++) {
      const t = A[i][j] / na - B[i][j] / nb;
      s += t * t;
    }
  }
  return Math.sqrt(s);
}

/** ETF_K = (I − 11ᵀ/K)/√(K−1) (unit Frobenius norm). */
export function etfTarget(K: number): Rows {
  const T = zeros(K, K);
  const c = 1 / Math.sqrt(K - 1);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) T[i][j] = ((i === j ? 1 : 0) - 1 / K) * c;
  return T;
}

/** ID_K = I/√K (unit Frobenius norm). */
export function identityTarget(K: number): Rows {
  const T = zeros(K, K);
  for (let i = 0; i < K; i++) T[i][i] = 1 / Math.sqrt(K);
  return T;
}

/** D(v) = diag(v)/‖v‖, or null when v = 0. */
export function diagTarget(v: ArrayLike<number>): Rows | null {
  const n = norm(v);
  if (!(n > 0)) return null;
  const T = zeros(v.length, v.length);
  for (let i = 0; i < v.length; i++) T[i][i] = v[i] / n;
  return T;
}

/** Structure error serr(G, T) = ‖G/‖G‖_F − T‖_F with T of unit norm; null when G = 0. */
export function serr(G: RowsLike, T: RowsLike): number | null {
  const g = frob(G);
  if (!(g > 0) || !Number.isFinite(g)) return null;
  let s = 0;
  for (let i = 0; i < G.length; i++) {
    for (let j = 0; j < G[i].length; j++) {
      const t = G[i][j] / g - T[i][j];
      s += t * t;
    }
  }
  return Math.sqrt(s);
}

export interface SymEig {
  /** eigenvalues, descending */
  values: number[];
  /** vectors[i] = unit eigenvector of values[i] */
  vectors: Float64Array[];
}

/** Eigen-decomposition of a small symmetric matrix (Householder + QL, float64). */
export function symEig(S: RowsLike): SymEig {
  const n = S.length;
  if (n === 0) return { values: [], vectors: [] };
  // A non-finite entry (overflow upstream) has no decomposition: NaN throughout, so every measure
  // built on it is reported undefined with its reason (ml-matrix would crash on it).
  let max = 0;
  for (const row of S) for (let j = 0; j < row.length; j++) max = Math.max(max, Math.abs(row[j]));
  if (!Number.isFinite(max)) {
    return {
      values: new Array<number>(n).fill(NaN),
      vectors: Array.from({ length: n }, () => new Float64Array(n).fill(NaN)),
    };
  }
  // Scaled by a power of two (exact) to max |entry| ≈ 1, so QL's intermediate products cannot
  // overflow or underflow for any representable input; the eigenvalues are scaled back.
  const scale = max > 0 ? 2 ** -Math.round(Math.log2(max)) : 1;
  // symmetrise exactly: accumulated scatter matrices can differ in the last bit across the diagonal
  const sym = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => 0.5 * (S[i][j] * scale + S[j][i] * scale)),
  );
  const evd = new EigenvalueDecomposition(sym, { assumeSymmetric: true });
  const vals = evd.realEigenvalues.map((v) => v / scale);
  const V = evd.eigenvectorMatrix;
  const order = vals.map((_, i) => i).sort((a, b) => vals[b] - vals[a]);
  return {
    values: order.map((i) => vals[i]),
    vectors: order.map((i) => Float64Array.from({ length: n }, (_, r) => V.get(r, i))),
  };
}

/** xᵀ S x for a symmetric S. */
export function quadForm(S: RowsLike, x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < S.length; i++) s += x[i] * dot(S[i], x);
  return s;
}

/** T S Tᵀ for T (p×n) and S (n×n). */
export function congruence(T: RowsLike, S: RowsLike): Rows {
  const TS = matMul(T, S);
  return gram(TS, T);
}

export function mean(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s / v.length;
}

/** Variance with the given ddof (two-pass); null when fewer than ddof+1 values. */
export function variance(v: ArrayLike<number>, ddof: 0 | 1): number | null {
  if (v.length - ddof <= 0) return null;
  const m = mean(v);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] - m) * (v[i] - m);
  return s / (v.length - ddof);
}

/** A row-major buffer (rows × cols) as plain rows. */
export function rowsOf(data: ArrayLike<number>, rows: number, cols: number): Mat {
  return Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => data[i * cols + j]),
  );
}

/** Plain nested arrays (what a report carries) of any rows. */
export function plain(A: RowsLike): Mat {
  return A.map((row) => Array.from(row));
}

/** The rows minus their weighted mean (uniform weights by default). */
export function centreRows(A: RowsLike, weights?: readonly number[]): Mat {
  const mean = rowMean(A, weights);
  return A.map((row) => Array.from(row, (v, j) => v - mean[j]));
}

/** Σ_i w_i A_i, the rows' (weighted) mean; equal weights by default. */
export function rowMean(A: RowsLike, weights?: readonly number[]): number[] {
  const w = weights ?? A.map(() => 1 / A.length);
  return Array.from(A[0], (_, j) => A.reduce((s, row, i) => s + w[i] * row[j], 0));
}

/** A/‖A‖_F as plain rows, or null when A is zero. */
export function normalised(A: RowsLike): Mat | null {
  const f = frob(A);
  return f > 0 ? A.map((row) => Array.from(row, (v) => v / f)) : null;
}

/** Singular values of a K×d matrix from the eigenvalues of A Aᵀ (K×K), descending. */
export function singularValues(A: RowsLike): number[] {
  return symEig(gram(A)).values.map((v) => Math.sqrt(Math.max(0, v)));
}
