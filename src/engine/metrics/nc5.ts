// Global-mean relations: the bias relation ‖Wμ_G ± b‖ (docs/metrics.md §2.5) and NC5 ID/OoD
// orthogonality (§2.6).
import { REL_ZERO, dot, norm, type Rows } from '../core/linalg';

/**
 * ‖Wμ_G + sign·b‖₂ with μ_G = r + μ_rel: W r + b is formed first so a large translation that the
 * bias compensates (b = b₀ − Wt) cancels in float64 before anything is squared.
 */
export function biasRelation(
  W: Rows,
  b: ArrayLike<number> | null,
  ref: ArrayLike<number>,
  gRel: ArrayLike<number>,
  sign: 1 | -1,
): number {
  let s = 0;
  for (let c = 0; c < W.length; c++) {
    const bc = b ? b[c] : 0;
    const v = dot(W[c], ref) + sign * bc + dot(W[c], gRel);
    s += v * v;
  }
  return Math.sqrt(s);
}

/** mean_c |cos(μ_c, μ_G^OoD)| with uncentred ID class means. */
export function oodOrthoDev(
  means: Rows,
  ood: ArrayLike<number>,
): { value: number | null; reason?: string } {
  const no = norm(ood);
  if (!(no > 0)) return { value: null, reason: 'OoD global mean is the zero vector' };
  const norms = means.map((m) => norm(m));
  const maxNorm = Math.max(...norms);
  if (norms.some((n) => !(n > REL_ZERO * maxNorm))) {
    return { value: null, reason: 'an (uncentred) class mean is the zero vector' };
  }
  let s = 0;
  means.forEach((m, c) => {
    s += Math.abs(dot(m, ood) / (norms[c] * no));
  });
  return { value: s / means.length };
}
