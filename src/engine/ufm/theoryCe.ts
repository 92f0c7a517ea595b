import type { CeUfmTheory } from './theory';

/**
 * Closed-form global minimiser of the deep-linear UFM with cross-entropy (optionally with label
 * smoothing α) on balanced classes (Dang et al. 2023, balanced CE; Zhu et al. 2021 for M = 1),
 * float64. Derivation: docs/deep-linear-theory.md §9.
 *
 * With n samples in each of K classes, the minimiser is a simplex ETF at every layer: balanced
 * layers that share K − 1 singular values s, class means h_k = τ q_k (‖q_k‖² = (K−1)/K, the rows
 * of a K-point simplex), product W = σ Q with σ = s^M, and logit margin z = σ τ. Minimising the
 * decays for a fixed margin leaves the scalar problem
 *   φ(z) = log(1 + (K−1)e^{−z}) + α(K−1)/K · z + c z^{2/(M+1)},
 *   c = (M+1)(K−1)/2 · (n λ_H)^{1/(M+1)} λ_W^{M/(M+1)},
 * then τ = (z (λ_W/(nλ_H))^{M/2})^{1/(M+1)} and s = √(nλ_H/λ_W) τ.
 */
export interface CeTheoryInput {
  classSizes: number[];
  depth: number;
  lambdaW: number;
  lambdaH: number;
  bias: boolean;
  labelSmoothing: number;
}

export interface CeTheoryScalars {
  /** c of φ (the decays' cost of a margin z is c z^{2/(M+1)}). */
  coefficient: number;
  /** The label-smoothing slope α(K−1)/K. */
  smoothingSlope: number;
  /** Global minimiser of φ (0: everything collapses to the origin). */
  margin: number;
  /** Largest local minimiser of φ on z > 0 (equals `margin` unless it is only local), or 0. */
  localMargin: number;
  /** τ: class means are τ q_k, so ‖h_k‖ = τ √((K−1)/K). */
  featureScale: number;
  /** s: each layer's K − 1 non-zero singular values. */
  layerScale: number;
  lossMin: number;
  lossTerms: { data: number; weightDecay: number; featureDecay: number };
  /**
   * True for M = 1, where the ETF is the global minimiser (Zhu et al. 2021). For M ≥ 2 it is the
   * best configuration of ETF shape, but a lower-rank one can do better (docs §9).
   */
  etfGuaranteedGlobal: boolean;
}

/** Every quantity the panels draw, from the scalars: all proportional to P_K = I − 11ᵀ/K. */
export function ceUfmTheory(input: CeTheoryInput): CeUfmTheory {
  const K = input.classSizes.length;
  const M = input.depth;
  const scalars = ceTheoryScalars(input);
  const { margin: z, featureScale: tau, layerScale: s } = scalars;
  const sigma = s ** M;
  const share = (K - 1) / K;
  const withZero = (v: number) => [...Array<number>(K - 1).fill(v), 0];
  const P = (v: number) =>
    Array.from({ length: K }, (_, i) =>
      Array.from({ length: K }, (_, j) => v * ((i === j ? 1 : 0) - 1 / K)),
    );
  return {
    loss: 'ce',
    labelSmoothing: input.labelSmoothing,
    ...scalars,
    N: K * input.classSizes[0],
    K,
    M,
    bias: input.bias,
    layerSingularValues: withZero(s),
    productSingularValues: withZero(sigma),
    WWt: P(sigma * sigma),
    classMeanGram: P(tau * tau),
    WH: P(z),
    classMeanNorms: Array<number>(K).fill(tau * Math.sqrt(share)),
    // Cross-entropy is unchanged by b → b + β1: only b − mean(b)1 = 0 is fixed (docs §9).
    biasVector: null,
    outputDiag: Array<number>(K).fill(z * share),
    perDepth: Array.from({ length: M }, (_, j) => ({
      j,
      PPtEigs: withZero(s ** (2 * (M - j))),
      meanGramDiag: Array<number>(K).fill(s ** (2 * j) * tau * tau * share),
      PTimesMeansDiag: Array<number>(K).fill(z * share),
    })),
  };
}

/** The balanced class size, or an error naming why the closed form does not apply. */
export function balancedClassSize(classSizes: number[]): number {
  const n = classSizes[0];
  if (!classSizes.every((m) => m === n)) {
    throw new Error(
      'the cross-entropy closed form needs balanced classes (all class sizes equal); imbalanced CE has none',
    );
  }
  return n;
}

export function ceTheoryScalars(input: CeTheoryInput): CeTheoryScalars {
  const { classSizes, depth: M, lambdaW, lambdaH, labelSmoothing: alpha } = input;
  const K = classSizes.length;
  const n = balancedClassSize(classSizes);
  const c = (((M + 1) * (K - 1)) / 2) * (n * lambdaH) ** (1 / (M + 1)) * lambdaW ** (M / (M + 1));
  const a = (alpha * (K - 1)) / K;
  const phi = ceObjective(K, M, c, a);
  const localMargin = largestLocalMinimiser(K, M, c, a);
  // z = 0 (all features and weights at the origin) costs log K; a positive local minimiser is the
  // global one only when it does better.
  const margin = localMargin > 0 && phi(localMargin) < Math.log(K) ? localMargin : 0;
  const tau = ((margin * (lambdaW / (n * lambdaH)) ** (M / 2)) ** (1 / (M + 1))) as number;
  const s = Math.sqrt((n * lambdaH) / lambdaW) * tau;
  const decays = c * margin ** (2 / (M + 1));
  return {
    coefficient: c,
    smoothingSlope: a,
    margin,
    localMargin,
    featureScale: tau,
    layerScale: s,
    lossMin: phi(margin),
    etfGuaranteedGlobal: M === 1,
    lossTerms: {
      data: Math.log1p((K - 1) * Math.exp(-margin)) + a * margin,
      // At the optimum the weight decay is M times the feature decay (docs §9).
      weightDecay: (M / (M + 1)) * decays,
      featureDecay: decays / (M + 1),
    },
  };
}

/** φ(z) for these constants. */
export function ceObjective(K: number, M: number, c: number, a: number): (z: number) => number {
  return (z) => Math.log1p((K - 1) * Math.exp(-z)) + a * z + c * z ** (2 / (M + 1));
}

/** φ′(z) = −(K−1)/((K−1) + e^z) + a + (2c/(M+1)) z^{−(M−1)/(M+1)}, z > 0. */
function ceSlope(K: number, M: number, c: number, a: number): (z: number) => number {
  const q = (2 * c) / (M + 1);
  const gamma = (M - 1) / (M + 1);
  return (z) => -(K - 1) / (K - 1 + Math.exp(z)) + a + q * z ** -gamma;
}

/**
 * The largest z > 0 where φ has a local minimum, or 0 when φ increases on (0, ∞). A log-spaced
 * scan finds every sign change of φ′ from − to + below an upper bound past which φ′ > 0 (there
 * (K−1)e^{−z} z^γ < q, and it keeps decreasing), then bisection refines it to float64.
 */
function largestLocalMinimiser(K: number, M: number, c: number, a: number): number {
  const slope = ceSlope(K, M, c, a);
  const q = (2 * c) / (M + 1);
  const gamma = (M - 1) / (M + 1);
  let zMax = Math.max(1, 2 * gamma);
  while ((K - 1) * Math.exp(-zMax) * zMax ** gamma >= q + a && zMax < 1e6) zMax *= 2;
  const points = 4000;
  const zMin = zMax * 1e-12;
  let best = 0;
  let prev = zMin;
  let prevSlope = slope(zMin);
  for (let i = 1; i <= points; i++) {
    const z = zMin * (zMax / zMin) ** (i / points);
    const sz = slope(z);
    if (prevSlope < 0 && sz >= 0) best = bisect(slope, prev, z);
    prev = z;
    prevSlope = sz;
  }
  return best;
}

function bisect(f: (z: number) => number, lo: number, hi: number): number {
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (f(mid) < 0) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
