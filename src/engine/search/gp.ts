// A small Gaussian-process regressor on the unit cube, and expected improvement: the surrogate of
// the Bayesian search strategy (the role SkOpt's GP plays in seed 002's Ray Tune search).
//
// Kernel: Matérn 5/2 with one length-scale ℓ for every dimension, unit signal variance on
// standardised targets, plus a noise variance σ². ℓ and σ² are chosen from a small fixed grid by
// the log marginal likelihood (no gradient optimiser: robust, deterministic and fast for the few
// hundred points a search has). Float64 throughout; the Cholesky factor comes from ml-matrix.
import { CholeskyDecomposition, Matrix } from 'ml-matrix';

const LENGTH_SCALES = [0.05, 0.1, 0.2, 0.35, 0.6, 1, 2];
const NOISES = [1e-6, 1e-4, 1e-2, 1e-1];

export function matern52(a: readonly number[], b: readonly number[], lengthScale: number): number {
  let d2 = 0;
  for (let i = 0; i < a.length; i++) d2 += (a[i] - b[i]) ** 2;
  const r = (Math.sqrt(5 * d2) / lengthScale) as number;
  return (1 + r + (r * r) / 3) * Math.exp(-r);
}

export interface GpFit {
  lengthScale: number;
  noise: number;
  logMarginalLikelihood: number;
  /** Posterior mean and standard deviation, in the units of the targets. */
  predict(x: readonly number[]): { mean: number; std: number };
}

/** Solves L z = b for lower-triangular L (rows as arrays). */
function forward(L: number[][], b: readonly number[]): number[] {
  const z = new Array<number>(b.length);
  for (let i = 0; i < b.length; i++) {
    let s = b[i];
    for (let j = 0; j < i; j++) s -= L[i][j] * z[j];
    z[i] = s / L[i][i];
  }
  return z;
}

/** Solves Lᵀ z = b. */
function backward(L: number[][], b: readonly number[]): number[] {
  const n = b.length;
  const z = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let j = i + 1; j < n; j++) s -= L[j][i] * z[j];
    z[i] = s / L[i][i];
  }
  return z;
}

function fitWith(
  X: readonly (readonly number[])[],
  t: readonly number[],
  lengthScale: number,
  noise: number,
): { L: number[][]; alpha: number[]; lml: number } | null {
  const n = X.length;
  const K = Matrix.zeros(n, n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      const k = matern52(X[i], X[j], lengthScale) + (i === j ? noise : 0);
      K.set(i, j, k);
      K.set(j, i, k);
    }
  const chol = new CholeskyDecomposition(K);
  if (!chol.isPositiveDefinite()) return null;
  const L = chol.lowerTriangularMatrix.to2DArray();
  const alpha = backward(L, forward(L, t));
  let logDet = 0;
  for (let i = 0; i < n; i++) logDet += Math.log(L[i][i]);
  const fitTerm = t.reduce((s, v, i) => s + v * alpha[i], 0);
  return { L, alpha, lml: -0.5 * fitTerm - logDet - 0.5 * n * Math.log(2 * Math.PI) };
}

/** Fit a GP to points X (in the unit cube) and targets y; ℓ and σ² by marginal likelihood. */
export function fitGp(X: readonly (readonly number[])[], y: readonly number[]): GpFit {
  if (X.length !== y.length || X.length === 0)
    throw new Error(`fitGp: ${X.length} points but ${y.length} targets`);
  const mean = y.reduce((a, v) => a + v, 0) / y.length;
  const sd = Math.sqrt(y.reduce((a, v) => a + (v - mean) ** 2, 0) / y.length) || 1;
  const t = y.map((v) => (v - mean) / sd);
  let best: { ls: number; noise: number; fit: NonNullable<ReturnType<typeof fitWith>> } | null =
    null;
  for (const ls of LENGTH_SCALES)
    for (const noise of NOISES) {
      const fit = fitWith(X, t, ls, noise);
      if (fit && (!best || fit.lml > best.fit.lml)) best = { ls, noise, fit };
    }
  if (!best) throw new Error('fitGp: no kernel setting gave a positive-definite covariance');
  const { ls, noise, fit } = best;
  return {
    lengthScale: ls,
    noise,
    logMarginalLikelihood: fit.lml,
    predict(x) {
      const k = X.map((xi) => matern52(xi, x, ls));
      const m = k.reduce((s, v, i) => s + v * fit.alpha[i], 0);
      const v = forward(fit.L, k);
      const variance = Math.max(1e-12, 1 + noise - v.reduce((s, a) => s + a * a, 0));
      return { mean: mean + sd * m, std: sd * Math.sqrt(variance) };
    },
  };
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** Expected improvement below `best` (minimisation), with exploration margin ξ. */
export function expectedImprovement(mean: number, std: number, best: number, xi = 0.01): number {
  const gain = best - mean - xi;
  if (std <= 0) return Math.max(0, gain);
  const z = gain / std;
  return gain * normalCdf(z) + std * normalPdf(z);
}
