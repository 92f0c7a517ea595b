// NC1: within-class variability collapse (docs/metrics.md §2.1), in the K×K projected form.
import { REL_ZERO, quadForm, symEig, type Rows } from '../core/linalg';

export interface PinvResult {
  /** Tr(Σ_W Σ_B^†)/K, or null when Σ_B = 0 */
  value: number | null;
  rank: number;
  /** λ_i/λ_max of G = M̃M̃ᵀ (same ratios as the non-zero spectrum of Σ_B), descending */
  spectrum: number[];
}

/**
 * nc1_pinv = Σ_{λ_i > rtol·λ_max} u_iᵀ A u_i / λ_i² with G = M̃M̃ᵀ = U diag(λ) Uᵀ and
 * A = M̃ Σ_W M̃ᵀ (both K×K): equal to Tr(Σ_W Σ_B^†)/K without ever forming a d×d matrix.
 */
export function pinvProjected(G: Rows, A: Rows, rtol: number): PinvResult {
  const { values, vectors } = symEig(G);
  const lmax = values.length > 0 ? values[0] : 0;
  if (!(lmax > 0)) return { value: null, rank: 0, spectrum: values.map(() => 0) };
  let value = 0;
  let rank = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] > rtol * lmax) {
      rank++;
      value += quadForm(A, vectors[i]) / (values[i] * values[i]);
    }
  }
  return { value, rank, spectrum: values.map((v) => v / lmax) };
}

/** CDNV averaged over unordered pairs; distExp = 1 (Galanti et al.) or 2 (LC analysis). */
export function cdnv(
  rel: Rows,
  classVar: number[],
  scale: number,
  distExp: 1 | 2,
): { value: number | null; reason?: string } {
  const K = rel.length;
  let s = 0;
  let pairs = 0;
  for (let a = 0; a < K; a++) {
    for (let b = a + 1; b < K; b++) {
      let d2 = 0;
      for (let j = 0; j < rel[a].length; j++) {
        const t = rel[a][j] - rel[b][j];
        d2 += t * t;
      }
      if (!(d2 > (REL_ZERO * scale) ** 2)) {
        return {
          value: null,
          reason: `class means ${a} and ${b} coincide (CDNV divides by their distance)`,
        };
      }
      s += (classVar[a] + classVar[b]) / (2 * (distExp === 1 ? d2 : d2 * d2));
      pairs++;
    }
  }
  return { value: s / pairs };
}
