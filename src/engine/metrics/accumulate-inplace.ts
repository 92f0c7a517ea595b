// Streaming passes over rows read in place from the wasm heap (hostRows.rowsInPlace). On wasm a
// device batch costs a copy of its rows, one-hot segment products and a chain of elementwise
// kernels; here the host does the elementwise work in float64 straight from the heap, and a
// pass-2 batch needs one matrix product: the batch on the left, one constant right operand (all
// projections, class means and classifier rows side by side), so XNNPACK packs it once per pass.
import * as tf from '@tensorflow/tfjs-core';
import { dot, zeros, type Rows } from '../core/linalg';
import { rowsInPlace } from './hostRows';
import type { Decisions, Pass2Out, Pass2Plan } from './types';

/** The classes (or label pairs) present in a batch: ascending ids and each row's position. */
export interface BatchSegments {
  ids: number[];
  index: Int32Array;
  count: Record<number, number>;
}

/**
 * One pass-1 batch, packed as the device path packs it: rows [s (P×d); q (P×d); pair sums],
 * with s the per-class sums of v = x − r, q the per-class sums of squares about the batch's class
 * means, and the per-pair sums of v when pairs are given. q = Σv² − (Σv)²/n in one sweep: in
 * float64 on shifted values the cancellation costs ε·(v̄/σ)², about 1e-8 relative when a class
 * spreads 1e-4 of its distance from r, far below the float32 features' own rounding (a test pins
 * a spread of 1e-3 at offset 1000 to the exact two-pass host path).
 */
export function classPartialsInPlace(
  rows: Float32Array,
  d: number,
  r: Float32Array,
  seg: BatchSegments,
  pairSeg: BatchSegments | null,
): Float64Array {
  const nb = rows.length / d;
  const P = seg.ids.length;
  const out = new Float64Array((2 * P + (pairSeg ? pairSeg.ids.length : 0)) * d);
  // one sweep: sums and sums of squares of v = x − r per class, in float64
  for (let i = 0; i < nb; i++) {
    const o = i * d;
    const so = seg.index[i] * d;
    const qo = so + P * d;
    for (let j = 0; j < d; j++) {
      const v = rows[o + j] - r[j];
      out[so + j] += v;
      out[qo + j] += v * v;
    }
    if (pairSeg) {
      const po = (2 * P + pairSeg.index[i]) * d;
      for (let j = 0; j < d; j++) out[po + j] += rows[o + j] - r[j];
    }
  }
  // about the batch's class means: Σ(v − v̄)² = Σv² − (Σv)²/n
  seg.ids.forEach((c, p) => {
    const n = seg.count[c];
    for (let j = 0; j < d; j++) {
      const sum = out[p * d + j];
      out[(P + p) * d + j] -= (sum * sum) / n;
    }
  });
  return out;
}

/** Per-sample decision columns for n rows: NCC always, the classifier's with W, extras on request. */
export function emptyDecisions(n: number, withNet: boolean, extras: boolean): Decisions {
  return {
    ncc: new Int32Array(n),
    net: withNet ? new Int32Array(n) : null,
    nobias: withNet && extras ? new Int32Array(n) : null,
    conf: withNet && extras ? new Float64Array(n) : null,
  };
}

/** Rows as the columns of a float32 d × n matrix (the right operand of batch · right). */
function columns(rows: Rows, d: number): Float32Array {
  const n = rows.length;
  const out = new Float32Array(d * n);
  rows.forEach((row, c) => {
    for (let j = 0; j < d; j++) out[j * n + c] = row[j];
  });
  return out;
}

/** Each row of `rows` plus r: class means in the features' own coordinates (float64). */
const plusRef = (rows: Rows, r: Float32Array): Rows =>
  rows.map((m) => Float64Array.from(m, (v, j) => v + r[j]));

/** Every row of `a` dotted with every row of `b` (float64). */
const dots = (a: Rows, b: Rows): Rows => a.map((x) => Float64Array.from(b, (y) => dot(x, y)));

/**
 * Pass 2 (everything but the d×d sigma_w, which stays on the device path) over float32 rows on
 * wasm. Per row: D = x − μ_y (its class's mean), ‖D‖, ‖x − clean μ_y‖, the projection R D
 * (scatter S += (R D)(R D)ᵀ), NCC and classifier decisions. The products take D, not x − r:
 * x − r = D + (μ_y − r), whose products with the means and W are per-class constants added in
 * float64 (the same decisions, from a better-conditioned product).
 */
export async function pass2InPlace(
  X: tf.Tensor2D,
  labels: Int32Array,
  batchSize: number,
  r: Float32Array,
  plan: Pass2Plan,
): Promise<Pass2Out> {
  if (plan.sigmaW) throw new Error('pass2InPlace: sigma_w is computed on the device path');
  const [N, d] = X.shape;
  const R = plan.projection ?? [];
  const dec = plan.decisions;
  const W = dec?.W ?? [];
  const nr = R.length;
  const km = dec ? dec.rel.length : 0;
  const cols = nr + km + W.length;
  const centre = plusRef(plan.rel, r);
  const clean = plan.cleanRel ? plusRef(plan.cleanRel, r) : null;
  const relM = dec ? dots(plan.rel, dec.rel) : [];
  const relW = dots(plan.rel, W);
  const scatter = plan.projection ? zeros(nr, nr) : null;
  const dist = plan.distances ? new Float64Array(N) : null;
  const cleanDist = clean ? new Float64Array(N) : null;
  const decisions = dec ? emptyDecisions(N, W.length > 0, dec.extras) : null;
  const right = cols ? tf.tensor2d(columns([...R, ...(dec?.rel ?? []), ...W], d), [d, cols]) : null;
  const stage = new Float32Array(Math.min(batchSize, N) * d);
  try {
    for (let start = 0; start < N; start += batchSize) {
      const end = Math.min(N, start + batchSize);
      const nb = end - start;
      const rows = rowsInPlace(X, start, end);
      if (!rows) throw new Error('pass2InPlace: the rows cannot be read in place');
      // read the view before tfjs allocates again (a growing heap detaches it)
      for (let i = 0; i < nb; i++) {
        const y = labels[start + i];
        const m = centre[y];
        const o = i * d;
        let s = 0;
        for (let j = 0; j < d; j++) {
          const t = rows[o + j] - m[j];
          stage[o + j] = t;
          s += t * t;
        }
        if (dist) dist[start + i] = Math.sqrt(s);
        if (clean && cleanDist) {
          const cm = clean[y];
          let sc = 0;
          for (let j = 0; j < d; j++) {
            const t = rows[o + j] - cm[j];
            sc += t * t;
          }
          cleanDist[start + i] = Math.sqrt(sc);
        }
      }
      if (!right) continue;
      const product = tf.tidy(() =>
        tf.matMul(tf.tensor2d(stage.subarray(0, nb * d), [nb, d]), right),
      );
      const z = await product.data();
      product.dispose();
      for (let i = 0; i < nb; i++) {
        const y = labels[start + i];
        const o = i * cols;
        if (scatter) {
          for (let a = 0; a < nr; a++) {
            const row = scatter[a];
            const za = z[o + a];
            for (let b = a; b < nr; b++) row[b] += za * z[o + b];
          }
        }
        if (dec && decisions) {
          decide(z, o + nr, relM[y], o + nr + km, relW[y], dec, decisions, start + i);
        }
      }
    }
  } finally {
    right?.dispose();
  }
  if (scatter)
    for (let a = 0; a < nr; a++) for (let b = 0; b < a; b++) scatter[a][b] = scatter[b][a];
  return { scatter, sigmaW: null, dist, cleanDist, decisions };
}

/**
 * One row's decisions from its products: NCC picks argmin ‖m_k‖² − 2 (x − r)·m_k over non-empty
 * classes; the classifier argmax W(x − r) + (W r + b); ties go to the lowest index.
 */
function decide(
  z: Float32Array | Int32Array | Uint8Array,
  mo: number,
  relM: Float64Array,
  wo: number,
  relW: Float64Array,
  dec: NonNullable<Pass2Plan['decisions']>,
  out: Decisions,
  i: number,
): void {
  let best = 0;
  let bestVal = Infinity;
  for (let k = 0; k < relM.length; k++) {
    if (!Number.isFinite(dec.nccConst[k])) continue;
    const v = dec.nccConst[k] - 2 * (z[mo + k] + relM[k]);
    if (v < bestVal) {
      bestVal = v;
      best = k;
    }
  }
  out.ncc[i] = best;
  if (!out.net || !dec.netConst) return;
  const logit = (k: number, c: Float64Array) => z[wo + k] + relW[k] + c[k];
  out.net[i] = argmax(relW.length, (k) => logit(k, dec.netConst!));
  if (out.nobias && dec.nobiasConst)
    out.nobias[i] = argmax(relW.length, (k) => logit(k, dec.nobiasConst!));
  if (out.conf) {
    let zmax = -Infinity;
    for (let k = 0; k < relW.length; k++) zmax = Math.max(zmax, logit(k, dec.netConst));
    let s = 0;
    for (let k = 0; k < relW.length; k++) s += Math.exp(logit(k, dec.netConst) - zmax);
    out.conf[i] = 1 / s;
  }
}

function argmax(n: number, value: (k: number) => number): number {
  let best = 0;
  let bestVal = -Infinity;
  for (let k = 0; k < n; k++) {
    const v = value(k);
    if (v > bestVal) {
      bestVal = v;
      best = k;
    }
  }
  return best;
}
