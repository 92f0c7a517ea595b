import { symEig } from '../core/linalg';
import { solveGofX } from '../metrics/gof';
import { ceUfmTheory, type CeTheoryScalars } from './theoryCe';

/**
 * Closed-form global minimiser of the deep-linear UFM with MSE (Dang et al. 2023;
 * docs/deep-linear-theory.md §2–§5), float64.
 *
 * With A = diag(n) (bias-free) or A = diag(n) − n nᵀ/N (unregularised bias,
 * docs/deep-linear-theory.md §5), A = U diag(a) Uᵀ, each eigen-direction i is a scalar problem  g(x) = a_i/(2N(1+x^M)) + (Mλ_W/2)(Nλ_H)^{1/M} x.
 * Its minimiser x_i gives t_i = Nλ_H x_i^M (squared singular value of the product W_M⋯W_1) and
 *   W Wᵀ = U diag(t) Uᵀ,   H̄ᵀH̄ = Cᵀ U diag(t/(t+Nλ_H)²) Uᵀ C,   W H̄ = U diag(t/(t+Nλ_H)) Uᵀ C,
 * with C = I − π1ᵀ (π = n/N) when there is a bias (b = π) and C = I without.
 * Bias-free, U = I and everything is diagonal in the class basis ("general orthogonal frame");
 * balanced with bias, A = n P_K and W Wᵀ ∝ P_K (simplex ETF).
 */
export interface UfmTheoryInput {
  classSizes: number[];
  depth: number;
  lambdaW: number;
  lambdaH: number;
  bias: boolean;
}

/** What every closed form draws (MSE and cross-entropy alike). */
export interface UfmTheoryCommon {
  N: number;
  K: number;
  M: number;
  bias: boolean;
  /** Singular values of every layer W_j (descending) and of the product (= s^M). */
  layerSingularValues: number[];
  productSingularValues: number[];
  WWt: number[][];
  classMeanGram: number[][];
  WH: number[][];
  classMeanNorms: number[];
  /** The last-layer bias, where the theory fixes it (MSE: n/N; CE fixes only its centred part). */
  biasVector: number[] | null;
  /** Network output on a class's own coordinate: diag(W H̄) + b. */
  outputDiag: number[];
  lossMin: number;
  /** Per depth j (j layers applied to H): eigenvalues of P_j P_jᵀ and diagonal of the means' Gram. */
  perDepth: { j: number; PPtEigs: number[]; meanGramDiag: number[]; PTimesMeansDiag: number[] }[];
}

export interface MseUfmTheory extends UfmTheoryCommon {
  loss: 'mse';
  /** b̃ = M N λ_W (N λ_H)^{1/M}. */
  b: number;
  /** The eigenvalues a_i of A the scalar problems use (= class sizes when bias-free). */
  a: number[];
  /** Per direction: b̃ / a_i, compared with the thresholds below. */
  ratios: number[];
  thresholdRatioGlobalMin: number;
  thresholdRatioPositiveRoot: number;
  /** Largest stationary point (what the reference's compute_x returns, clipped at 0). */
  xLargestRoot: number[];
  /** Global minimiser: 0 where the positive root is only a local minimum. */
  x: number[];
  xPositiveButNotGlobal: boolean[];
  /** Classes (bias-free) or directions (with bias) the theory sends to zero. */
  zeroDirections: number[];
  t: number[];
  /** Critical λ_W (λ_H fixed) above which each direction collapses to zero. */
  criticalLambdaW: number[];
}

/** Balanced cross-entropy (docs/deep-linear-theory.md §9): the scalars of φ(z) and its minimiser. */
export interface CeUfmTheory extends UfmTheoryCommon, CeTheoryScalars {
  loss: 'ce';
  labelSmoothing: number;
}

export type UfmTheory = MseUfmTheory | CeUfmTheory;

/**
 * The closed form a UFM config is compared with: MSE (any class sizes), or cross-entropy on
 * balanced classes; null for cross-entropy on imbalanced classes, which has none.
 */
export function theoryForConfig(
  config: UfmTheoryInput & { loss: 'mse' | 'ce'; labelSmoothing: number },
): UfmTheory | null {
  if (config.loss === 'mse') return ufmTheory(config);
  const n = config.classSizes[0];
  return config.classSizes.every((m) => m === n) ? ceUfmTheory(config) : null;
}

export function thresholdRatioGlobalMin(M: number): number {
  return M === 1 ? 1 : (M - 1) ** ((M - 1) / M) / M;
}

export function thresholdRatioPositiveRoot(M: number): number {
  if (M === 1) return 1;
  const xp = ((M - 1) / (M + 1)) ** (1 / M);
  return (M * xp ** (M - 1)) / (1 + xp ** M) ** 2;
}

export function ufmTheory(input: UfmTheoryInput): MseUfmTheory {
  const { classSizes, depth: M, lambdaW, lambdaH, bias } = input;
  const K = classSizes.length;
  const N = classSizes.reduce((s, n) => s + n, 0);
  const pi = classSizes.map((n) => n / N);
  const { a, U } = bias ? biasDirections(classSizes) : { a: classSizes.slice(), U: identity(K) };

  const aMax = Math.max(...a);
  // Directions with a_i ≈ 0 (the 1-vector with bias) carry no signal: x = 0.
  const live = a.map((ai) => ai > 1e-12 * aMax);
  const solved = solveGofX(
    a.map((ai, i) => (live[i] ? ai : 1)),
    N,
    lambdaW,
    lambdaH,
    M,
  );
  const b = solved.b;
  const xLargestRoot = solved.x.map((x, i) => (live[i] ? x : 0));
  const thrGlobal = thresholdRatioGlobalMin(M);
  // docs/deep-linear-theory.md §3: the positive root is the global minimiser only when x^M ≥ M − 1.
  const x = xLargestRoot.map((xi) => (M === 1 || xi ** M >= M - 1 ? xi : 0));
  const xPositiveButNotGlobal = xLargestRoot.map((xi, i) => xi > 0 && x[i] === 0);
  const NlH = N * lambdaH;
  const t = x.map((xi) => NlH * xi ** M);
  const s = t.map((ti) => ti ** (1 / (2 * M)));

  const C = bias ? centring(pi) : identity(K);
  const frame = (f: (ti: number) => number) => sandwich(U, t.map(f));
  const WWt = frame((ti) => ti);
  const meanGram = congruence(
    C,
    frame((ti) => ti / (ti + NlH) ** 2),
  );
  const WH = multiply(
    frame((ti) => ti / (ti + NlH)),
    C,
  );
  const biasVector = bias ? pi : null;

  const coef = ((M * lambdaW) / 2) * NlH ** (1 / M);
  const lossMin = a.reduce((sum, ai, i) => sum + ai / (2 * N * (1 + x[i] ** M)) + coef * x[i], 0);

  const perDepth = Array.from({ length: M }, (_, j) => {
    const gram = congruence(
      C,
      frame((ti) => (ti === 0 ? 0 : ti ** ((M + j) / M) / (ti + NlH) ** 2)),
    );
    return {
      j,
      PPtEigs: desc(t.map((ti) => (ti === 0 ? 0 : ti ** ((M - j) / M)))),
      meanGramDiag: gram.map((row, k) => row[k]),
      PTimesMeansDiag: WH.map((row, k) => row[k]),
    };
  });

  return {
    loss: 'mse',
    N,
    K,
    M,
    bias,
    b,
    a,
    ratios: a.map((ai) => (ai > 0 ? b / ai : Infinity)),
    thresholdRatioGlobalMin: thrGlobal,
    thresholdRatioPositiveRoot: thresholdRatioPositiveRoot(M),
    xLargestRoot,
    x,
    xPositiveButNotGlobal,
    zeroDirections: x.flatMap((xi, i) => (xi === 0 && live[i] ? [i] : [])),
    t,
    layerSingularValues: desc(s),
    productSingularValues: desc(s.map((si) => si ** M)),
    WWt,
    classMeanGram: meanGram,
    WH,
    classMeanNorms: meanGram.map((row, k) => Math.sqrt(Math.max(0, row[k]))),
    biasVector,
    outputDiag: WH.map((row, k) => row[k] + (biasVector ? biasVector[k] : 0)),
    lossMin,
    criticalLambdaW: a.map((ai) => (thrGlobal * ai) / (M * N * NlH ** (1 / M))),
    perDepth,
  };
}

/** Eigen-directions of A = diag(n) − n nᵀ/N (symmetric PSD, null vector 1). */
function biasDirections(n: number[]): { a: number[]; U: number[][] } {
  const N = n.reduce((s, v) => s + v, 0);
  const A = n.map((ni, i) => n.map((nj, j) => (i === j ? ni : 0) - (ni * nj) / N));
  // Ascending, as the per-direction lists (critical λ_W, …) are reported; U holds them as columns.
  const { values, vectors } = symEig(A);
  const order = values.map((_, i) => values.length - 1 - i);
  return {
    a: order.map((i) => Math.max(0, values[i])),
    U: n.map((_, r) => order.map((i) => vectors[i][r])),
  };
}

function identity(K: number): number[][] {
  return Array.from({ length: K }, (_, i) =>
    Array.from({ length: K }, (_, j) => (i === j ? 1 : 0)),
  );
}

/** Columns e_k − π. */
function centring(pi: number[]): number[][] {
  return pi.map((_, i) => pi.map((_, k) => (i === k ? 1 : 0) - pi[i]));
}

/** U diag(v) Uᵀ. */
function sandwich(U: number[][], v: number[]): number[][] {
  const K = U.length;
  return Array.from({ length: K }, (_, i) =>
    Array.from({ length: K }, (_, j) => v.reduce((s, vk, k) => s + U[i][k] * vk * U[j][k], 0)),
  );
}

/** Cᵀ G C. */
function congruence(C: number[][], G: number[][]): number[][] {
  return multiply(transpose(C), multiply(G, C));
}

function multiply(A: number[][], B: number[][]): number[][] {
  return A.map((row) => B[0].map((_, j) => row.reduce((s, aik, k) => s + aik * B[k][j], 0)));
}

function transpose(A: number[][]): number[][] {
  return A[0].map((_, j) => A.map((row) => row[j]));
}

function desc(v: number[]): number[] {
  return [...v].sort((p, q) => q - p);
}
