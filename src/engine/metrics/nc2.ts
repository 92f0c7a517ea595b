// NC2: equinorm / equiangularity / ETF structure of centred means and classifier rows, and the
// GNC2 kernels of Liu et al. / LC (docs/metrics.md §2.2).
import { REL_ZERO, mean, norm, sub, variance, type Rows } from '../core/linalg';

export interface RowGeometry {
  norms: number[];
  /** cos(u_a, u_b) for a < b in row-major pair order, or null when a row is (relatively) zero */
  cos: number[] | null;
  /** unit rows, or null when a row is zero */
  unit: Rows | null;
}

export function rowGeometry(rows: Rows): RowGeometry {
  const norms = rows.map((r) => norm(r));
  const maxNorm = Math.max(...norms);
  if (!(maxNorm > 0) || norms.some((n) => !(n > REL_ZERO * maxNorm))) {
    return { norms, cos: null, unit: null };
  }
  const unit = rows.map((r, i) => r.map((v) => v / norms[i]));
  const cos: number[] = [];
  for (let a = 0; a < rows.length; a++) {
    for (let b = a + 1; b < rows.length; b++) {
      let s = 0;
      for (let j = 0; j < unit[a].length; j++) s += unit[a][j] * unit[b][j];
      cos.push(s);
    }
  }
  return { norms, cos, unit };
}

/** std₁(norms)/mean(norms) (Papyan's equinorm CoV, torch.std ⇒ ddof 1). */
export function equinormCov(g: RowGeometry): number | null {
  const m = mean(g.norms);
  const v = variance(g.norms, 1);
  if (v === null || !(m > 0)) return null;
  return Math.sqrt(v) / m;
}

export function equiangularStd(g: RowGeometry): number | null {
  if (!g.cos) return null;
  const v = variance(g.cos, 0);
  return v === null ? null : Math.sqrt(v);
}

export function maxAngle(g: RowGeometry, K: number): number | null {
  if (!g.cos) return null;
  return mean(g.cos.map((c) => Math.abs(c + 1 / (K - 1))));
}

export function cosMean(g: RowGeometry): number | null {
  return g.cos ? mean(g.cos) : null;
}

export function logNormVar(g: RowGeometry): number | null {
  if (!g.unit) return null; // a (relatively) zero row: log-norm is -infinity
  return variance(
    g.norms.map((n) => Math.log(n)),
    1,
  );
}

export interface KernelStats {
  logMean: number | null;
  logVar: number | null;
  rieszMean: number | null;
  rieszVar: number | null;
  reason?: string;
  rieszReason?: string;
}

/**
 * GNC2 kernels over unordered pairs of normalised centred means: log kernel −log‖Δû‖ and Riesz
 * kernel sign(S)‖Δû‖^{−S}, S = d − 2. The Riesz kernel is evaluated in the log domain (it
 * overflows float32 for moderate d); mean and variance via shifted exponentials.
 */
export function kernelStats(g: RowGeometry, d: number): KernelStats {
  if (!g.unit) {
    const reason = 'a centred class mean is zero: normalised means undefined';
    return {
      logMean: null,
      logVar: null,
      rieszMean: null,
      rieszVar: null,
      reason,
      rieszReason: reason,
    };
  }
  const u = g.unit;
  const logDist: number[] = [];
  for (let a = 0; a < u.length; a++) {
    for (let b = a + 1; b < u.length; b++) {
      const dist = norm(sub(u[a], u[b]));
      if (!(dist > REL_ZERO)) {
        const reason = `normalised centred means ${a} and ${b} coincide (distance 0): log/Riesz kernels are +infinity`;
        return {
          logMean: null,
          logVar: null,
          rieszMean: null,
          rieszVar: null,
          reason,
          rieszReason: reason,
        };
      }
      logDist.push(Math.log(dist));
    }
  }
  const logK = logDist.map((l) => -l);
  const S = d - 2;
  const sign = S >= 0 ? 1 : -1; // copysign(1, 0) = +1
  const L = logDist.map((l) => -S * l); // log |k|
  const Lmax = Math.max(...L);
  const scaled = L.map((l) => Math.exp(l - Lmax));
  const rMean = sign * Math.exp(Lmax) * mean(scaled);
  const rVar = Math.exp(2 * Lmax) * (variance(scaled, 0) ?? 0);
  const finite = Number.isFinite(rMean) && Number.isFinite(rVar);
  return {
    logMean: mean(logK),
    logVar: variance(logK, 0),
    rieszMean: finite ? rMean : null,
    rieszVar: finite ? rVar : null,
    rieszReason: finite ? undefined : `Riesz kernel ‖Δû‖^-(d-2) overflows float64 for d = ${d}`,
  };
}
