// GOF targets of imbalanced bias-free MSE deep linear heads (Dang et al. 2023; docs/metrics.md
// §2.7, docs/deep-linear-theory.md §3). The scalar root solver lives here so the UFM theory module
// shares it.
import { diagTarget, gram, normalisedDistance, serr, type Rows } from '../core/linalg';

function phi(x: number, M: number): number {
  return (M * x ** (M - 1)) / (1 + x ** M) ** 2;
}

/**
 * b̃ = M N λ_W (N λ_H)^{1/M} and, per class, x_k = the largest real root of
 * b̃/n_k = M x^{M−1}/(x^M + 1)², clipped at 0 (the repository's semantics: no global-optimality
 * check). M = 1: x = max(0, √(n_k/b̃) − 1). M ≥ 2: the largest root lies on the decreasing branch
 * x > x_p = ((M−1)/(M+1))^{1/M}, found by bisection; if b̃/n_k > φ(x_p) there is no positive root
 * and x_k = 0 (minority collapse).
 */
export function solveGofX(
  n: number[],
  N: number,
  lambdaW: number,
  lambdaH: number,
  M: number,
): { b: number; x: number[] } {
  if (!(M >= 1) || !Number.isInteger(M))
    throw new Error(`gof depth M must be a positive integer, got ${M}`);
  if (!(N > 0) || !(lambdaW > 0) || !(lambdaH > 0)) {
    throw new Error('gof needs N > 0, lambdaW > 0 and lambdaH > 0');
  }
  const b = M * N * lambdaW * (N * lambdaH) ** (1 / M);
  const x = n.map((nk) => {
    if (!(nk > 0)) return 0;
    if (M === 1) return Math.max(0, Math.sqrt(nk / b) - 1);
    const r = b / nk;
    const xp = ((M - 1) / (M + 1)) ** (1 / M);
    if (r > phi(xp, M)) return 0;
    // φ(hi) < r since φ(x) < M x^{−M−1}; φ is decreasing on [xp, ∞)
    let lo = xp;
    let hi = Math.max(xp, (M / r) ** (1 / (M + 1)));
    for (let it = 0; it < 200 && hi - lo > 0; it++) {
      const mid = 0.5 * (lo + hi);
      if (mid === lo || mid === hi) break;
      if (phi(mid, M) > r) lo = mid;
      else hi = mid;
    }
    return 0.5 * (lo + hi);
  });
  return { b, x };
}

export interface GofMetrics {
  b: number;
  x: number[];
  s: number[];
  nc2W: number | null;
  nc2H: number | null;
  nc3WH: number | null;
  nc3WSubH: number | null;
  nc3WDivH: number | null;
  reason?: string;
}

/**
 * W: product classifier rows, Hbar: uncentred class means of the features entering the first
 * layer (both restricted to non-empty classes), n: their counts.
 */
export function gofMetrics(
  W: Rows | null,
  Hbar: Rows,
  n: number[],
  N: number,
  p: { lambdaW: number; lambdaH: number; depth: number },
): GofMetrics {
  const M = p.depth;
  const { b, x } = solveGofX(n, N, p.lambdaW, p.lambdaH, M);
  const t = x.map((xk) => N * p.lambdaH * xk ** M); // s_k^{2M}
  const s = t.map((tk) => tk ** (1 / (2 * M)));
  const nl = N * p.lambdaH;
  const out: GofMetrics = {
    b,
    x,
    s,
    nc2W: null,
    nc2H: null,
    nc3WH: null,
    nc3WSubH: null,
    nc3WDivH: null,
  };
  const tH = diagTarget(t.map((tk) => tk / (tk + nl) ** 2));
  out.nc2H = tH ? serr(gram(Hbar), tH) : null;
  if (!W) return out;
  const tW = diagTarget(t);
  out.nc2W = tW ? serr(gram(W), tW) : null;
  const tWH = diagTarget(t.map((tk) => tk / (tk + nl)));
  out.nc3WH = tWH ? serr(gram(W, Hbar), tWH) : null;
  const B = Hbar.map((h, k) => h.map((v) => v * (t[k] + nl)));
  out.nc3WSubH = normalisedDistance(W, B);
  const hh = Hbar.map((h) => h.reduce((a, v) => a + v * v, 0));
  if (hh.every((v) => v > 0)) {
    let acc = 0;
    W.forEach((w, k) => {
      const ww = w.reduce((a, v) => a + v * v, 0);
      const target = M === 1 ? n[k] : (t[k] + nl) ** 2;
      acc += (ww / hh[k] - target) ** 2;
    });
    out.nc3WDivH = Math.sqrt(acc);
  }
  if (t.every((tk) => tk === 0))
    out.reason = 'every class collapses (all x_k = 0): GOF targets are zero';
  return out;
}
