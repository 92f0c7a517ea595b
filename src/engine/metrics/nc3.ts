// NC3: self-duality between classifier rows and class means (docs/metrics.md §2.3).
import { dot, mean, variance, type Rows } from '../core/linalg';
import type { RowGeometry } from './nc2';

/** ‖rownorm(M̃) − rownorm(W)‖_F² / K (older LC diff_duality). */
export function dualityRownorm(means: RowGeometry, weights: RowGeometry): number | null {
  if (!means.unit || !weights.unit) return null;
  let s = 0;
  for (let c = 0; c < means.unit.length; c++) {
    for (let j = 0; j < means.unit[c].length; j++) {
      const t = means.unit[c][j] - weights.unit[c][j];
      s += t * t;
    }
  }
  return s / means.unit.length;
}

/** UNC3: mean and ddof-1 variance of cos(w_c, m̃_c), ddof-1 variance of w_c·m̃_c. */
export function uniformDuality(
  W: Rows,
  Mc: Rows,
  means: RowGeometry,
  weights: RowGeometry,
): { cosMean: number | null; cosVar: number | null; dotVar: number | null } {
  const dots = W.map((w, c) => dot(w, Mc[c]));
  const dotVar = variance(dots, 1);
  if (!means.unit || !weights.unit) return { cosMean: null, cosVar: null, dotVar };
  const cos = dots.map((v, c) => v / (means.norms[c] * weights.norms[c]));
  return { cosMean: mean(cos), cosVar: variance(cos, 1), dotVar };
}
