// Memorization–Dilation repository measures (Nguyen et al. 2023's code; docs/metrics.md §2.9).
import { REL_ZERO, dot, norm, sub, type Rows } from '../core/linalg';

/** Population variance / std over {i: y_i = c} of ‖h_i − μ_c‖, per non-empty class (two-pass). */
export function classDistanceSpread(
  dist: Float64Array,
  labels: Int32Array,
  classes: number[],
  K: number,
  mask?: (i: number) => boolean,
): { variance: number[]; std: number[]; empty: number[] } {
  const n = new Array<number>(K).fill(0);
  const s = new Array<number>(K).fill(0);
  for (let i = 0; i < dist.length; i++) {
    if (mask && !mask(i)) continue;
    n[labels[i]]++;
    s[labels[i]] += dist[i];
  }
  const m = s.map((v, c) => (n[c] > 0 ? v / n[c] : 0));
  const q = new Array<number>(K).fill(0);
  for (let i = 0; i < dist.length; i++) {
    if (mask && !mask(i)) continue;
    const t = dist[i] - m[labels[i]];
    q[labels[i]] += t * t;
  }
  const variance = classes.map((c) => (n[c] > 0 ? q[c] / n[c] : 0));
  return { variance, std: variance.map(Math.sqrt), empty: classes.filter((c) => n[c] === 0) };
}

/** Σ_i (h_ij − μ_{y_i j})² / (K · n_{K−1}) for every coordinate j (get_sigma_W's divisor). */
export function sigmaWDiagKn(
  m2: Rows,
  counts: number[],
): { value: number[] | null; reason?: string } {
  const K = counts.length;
  const last = counts[K - 1];
  if (!(last > 0))
    return { value: null, reason: 'the last class is empty: the K·n_{K-1} divisor is 0' };
  const d = m2[0].length;
  const out = new Array<number>(d).fill(0);
  for (const q of m2) for (let j = 0; j < d; j++) out[j] += q[j];
  return { value: out.map((v) => v / (K * last)) };
}

/** 15-bin ECE of max-softmax confidence vs observed labels; bins (lo, hi] of linspace(0, 1, 16). */
export function ece15(conf: Float64Array, pred: Int32Array, labels: Int32Array): number {
  const B = 15;
  const cnt = new Array<number>(B).fill(0);
  const sc = new Array<number>(B).fill(0);
  const sa = new Array<number>(B).fill(0);
  for (let i = 0; i < conf.length; i++) {
    const bin = Math.min(B - 1, Math.max(0, Math.ceil(conf[i] * B) - 1));
    cnt[bin]++;
    sc[bin] += conf[i];
    if (pred[i] === labels[i]) sa[bin]++;
  }
  let e = 0;
  for (let k = 0; k < B; k++) {
    if (cnt[k] > 0) e += Math.abs(sc[k] / cnt[k] - sa[k] / cnt[k]) * (cnt[k] / conf.length);
  }
  return e;
}

export interface LabelNoiseMeasures {
  uncorruptedMeans: number[][] | null;
  corruptedMeans: (number[] | null)[][];
  uncorruptedStds: number[] | null;
  /** Per class row; null for a class without corrupted samples (get_dot_product_bias). */
  corruptionBias: (number[] | null)[] | null;
  uncorruptedReason?: string;
  biasReason?: string;
}

/**
 * Clean / corrupted centroids from the pair sums keyed by y·K + y_orig (sums of h − r), and the
 * corruption bias (m_c^corr − μ_c)·(μ_c' − μ_c)/‖μ_c' − μ_c‖ for the other classes c' in order.
 */
export function labelNoiseMeasures(
  noise: { pairCounts: number[]; pairRelSums: Rows },
  K: number,
  classes: number[],
  ref: Float64Array,
  rel: Rows,
  cleanStd: number[] | null,
): LabelNoiseMeasures {
  const abs = (v: Float64Array, n: number) => Array.from(v, (x, j) => ref[j] + x / n);
  const pc = noise.pairCounts;
  const ps = noise.pairRelSums;
  const out: LabelNoiseMeasures = {
    uncorruptedMeans: null,
    corruptedMeans: classes.map((c) =>
      classes.map((o) => (o !== c && pc[c * K + o] > 0 ? abs(ps[c * K + o], pc[c * K + o]) : null)),
    ),
    uncorruptedStds: null,
    corruptionBias: null,
  };
  const noClean = classes.filter((c) => !(pc[c * K + c] > 0));
  if (noClean.length === 0) {
    out.uncorruptedMeans = classes.map((c) => abs(ps[c * K + c], pc[c * K + c]));
    out.uncorruptedStds = cleanStd;
  } else {
    out.uncorruptedReason = `class ${noClean[0]} has no uncorrupted sample`;
  }
  const scale = Math.max(...classes.map((c) => norm(rel[c])), 0);
  const bias: (number[] | null)[] = [];
  const noCorrupted: number[] = [];
  for (const c of classes) {
    let n = 0;
    const s = new Float64Array(ref.length);
    for (let o = 0; o < K; o++) {
      if (o === c) continue;
      n += pc[c * K + o];
      const src = ps[c * K + o];
      for (let j = 0; j < s.length; j++) s[j] += src[j];
    }
    if (n === 0) {
      // Only this row is undefined: the other classes' biases do not depend on it.
      noCorrupted.push(c);
      bias.push(null);
      continue;
    }
    const off = sub(
      s.map((v) => v / n),
      rel[c],
    );
    const row: number[] = [];
    for (const o of classes) {
      if (o === c) continue;
      const dir = sub(rel[o], rel[c]);
      const dn = norm(dir);
      if (!(dn > REL_ZERO * scale)) {
        out.biasReason = `class means ${c} and ${o} coincide: projection direction undefined`;
        return out;
      }
      row.push(dot(off, dir) / dn);
    }
    bias.push(row);
  }
  if (noCorrupted.length === classes.length) {
    out.biasReason = 'no class has a corrupted sample';
    return out;
  }
  out.corruptionBias = bias;
  return out;
}
