// Streaming passes over rows read in place from the wasm heap (hostRows.rowsInPlace). On wasm a
// device batch costs a copy of its rows, one-hot segment products and a chain of elementwise
// kernels; here the host does the elementwise work in float64 straight from the heap, and a
// pass-2 batch needs one matrix product: the batch on the left, one constant right operand (all
// projections, class means and classifier rows side by side), so XNNPACK packs it once per pass.
import * as tf from '@tensorflow/tfjs-core';
import { dot, zeros, type Rows } from '../core/linalg';
import { HeapMoments, HeapStaging } from './heapSegments';
import { rowsInPlace } from './hostRows';
import type { Decisions, Pass2Out, Pass2Plan } from './types';

/** The classes (or label pairs) present in a batch: ascending ids and each row's position. */
export interface BatchSegments {
  ids: number[];
  index: Int32Array;
  count: Record<number, number>;
}

/**
 * A batch's rows grouped by segment (a counting sort, stable): segment p's rows are
 * row[start[p]] … row[start[p + 1] − 1] in ascending order, and off[k] = row[k]·d their offsets.
 * The kernels below walk one segment at a time, a few columns wide, with the accumulators in
 * locals: each output still takes its rows' terms in row order (the same float64 sums as a
 * row-by-row sweep, bit for bit), and V8 loads and stores no accumulator per element.
 */
interface Grouped {
  start: Int32Array;
  row: Int32Array;
  off: Int32Array;
}

function groupRows(keys: ArrayLike<number>, n: number, P: number, d: number): Grouped {
  const start = new Int32Array(P + 1);
  for (let i = 0; i < n; i++) {
    const p = keys[i];
    if (!(p >= 0 && p < P)) throw new Error(`groupRows: key ${p} of row ${i} is not in [0, ${P})`);
    start[p + 1]++;
  }
  for (let p = 0; p < P; p++) start[p + 1] += start[p];
  const next = start.slice(0, P);
  const row = new Int32Array(n);
  const off = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = next[keys[i]]++;
    row[k] = i;
    off[k] = i * d;
  }
  return { start, row, off };
}

/**
 * Over rows off[k0 … k1) (offsets into `rows`), per column j from `from`: s = Σ v and
 * q = Σ v² − s²/n with v = x − r[j], each sum in row order from 0, written to out[so + j] and
 * out[qo + j].
 */
function segmentMoments(
  rows: Float32Array,
  off: Int32Array,
  k0: number,
  k1: number,
  r: Float32Array,
  d: number,
  n: number,
  out: Float64Array,
  so: number,
  qo: number,
  from = 0,
): void {
  let j = from;
  for (; j + 4 <= d; j += 4) {
    const r0 = r[j];
    const r1 = r[j + 1];
    const r2 = r[j + 2];
    const r3 = r[j + 3];
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let q0 = 0;
    let q1 = 0;
    let q2 = 0;
    let q3 = 0;
    for (let k = k0; k < k1; k++) {
      const o = off[k] + j;
      const v0 = rows[o] - r0;
      const v1 = rows[o + 1] - r1;
      const v2 = rows[o + 2] - r2;
      const v3 = rows[o + 3] - r3;
      s0 += v0;
      s1 += v1;
      s2 += v2;
      s3 += v3;
      q0 += v0 * v0;
      q1 += v1 * v1;
      q2 += v2 * v2;
      q3 += v3 * v3;
    }
    out[so + j] = s0;
    out[so + j + 1] = s1;
    out[so + j + 2] = s2;
    out[so + j + 3] = s3;
    out[qo + j] = q0 - (s0 * s0) / n;
    out[qo + j + 1] = q1 - (s1 * s1) / n;
    out[qo + j + 2] = q2 - (s2 * s2) / n;
    out[qo + j + 3] = q3 - (s3 * s3) / n;
  }
  for (; j < d; j++) {
    const rj = r[j];
    let s = 0;
    let q = 0;
    for (let k = k0; k < k1; k++) {
      const v = rows[off[k] + j] - rj;
      s += v;
      q += v * v;
    }
    out[so + j] = s;
    out[qo + j] = q - (s * s) / n;
  }
}

/** Over rows off[k0 … k1), per column j: Σ (x − r[j]) in row order, written to out[so + j]. */
function segmentSums(
  rows: Float32Array,
  off: Int32Array,
  k0: number,
  k1: number,
  r: Float32Array,
  d: number,
  out: Float64Array,
  so: number,
): void {
  let j = 0;
  for (; j + 4 <= d; j += 4) {
    const r0 = r[j];
    const r1 = r[j + 1];
    const r2 = r[j + 2];
    const r3 = r[j + 3];
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let k = k0; k < k1; k++) {
      const o = off[k] + j;
      s0 += rows[o] - r0;
      s1 += rows[o + 1] - r1;
      s2 += rows[o + 2] - r2;
      s3 += rows[o + 3] - r3;
    }
    out[so + j] = s0;
    out[so + j + 1] = s1;
    out[so + j + 2] = s2;
    out[so + j + 3] = s3;
  }
  for (; j < d; j++) {
    const rj = r[j];
    let s = 0;
    for (let k = k0; k < k1; k++) s += rows[off[k] + j] - rj;
    out[so + j] = s;
  }
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
  heap: HeapMoments | null = null,
): Float64Array {
  const nb = rows.length / d;
  const P = seg.ids.length;
  const out = new Float64Array((2 * P + (pairSeg ? pairSeg.ids.length : 0)) * d);
  const g = groupRows(seg.index, nb, P, d);
  // no allocation from here on: the heap loop reads `rows` where they lie
  const onHeap = heap !== null && heap.offsets(g.off, rows);
  for (let p = 0; p < P; p++) {
    const n = seg.count[seg.ids[p]];
    const [k0, k1, so, qo] = [g.start[p], g.start[p + 1], p * d, (P + p) * d];
    const from = onHeap ? (heap as HeapMoments).moments(rows, k0, k1, n, out, so, qo) : 0;
    if (from < d) segmentMoments(rows, g.off, k0, k1, r, d, n, out, so, qo, from);
  }
  if (pairSeg) {
    const Q = pairSeg.ids.length;
    const h = groupRows(pairSeg.index, nb, Q, d);
    for (let p = 0; p < Q; p++)
      segmentSums(rows, h.off, h.start[p], h.start[p + 1], r, d, out, (2 * P + p) * d);
  }
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
 * Over rows off[k0 … k1) of one class with float64 mean m: stage[o] = float32(x − m[j]) in the
 * rows' own layout, columns from `from`, 16 (a cache line of each row) at a time.
 */
function stageSegment(
  rows: Float32Array,
  off: Int32Array,
  k0: number,
  k1: number,
  m: Float64Array,
  d: number,
  stage: Float32Array,
  from = 0,
): void {
  let j = from;
  for (; j + 16 <= d; j += 16) {
    const m0 = m[j + 0];
    const m1 = m[j + 1];
    const m2 = m[j + 2];
    const m3 = m[j + 3];
    const m4 = m[j + 4];
    const m5 = m[j + 5];
    const m6 = m[j + 6];
    const m7 = m[j + 7];
    const m8 = m[j + 8];
    const m9 = m[j + 9];
    const m10 = m[j + 10];
    const m11 = m[j + 11];
    const m12 = m[j + 12];
    const m13 = m[j + 13];
    const m14 = m[j + 14];
    const m15 = m[j + 15];
    for (let k = k0; k < k1; k++) {
      const o = off[k] + j;
      stage[o] = rows[o] - m0;
      stage[o + 1] = rows[o + 1] - m1;
      stage[o + 2] = rows[o + 2] - m2;
      stage[o + 3] = rows[o + 3] - m3;
      stage[o + 4] = rows[o + 4] - m4;
      stage[o + 5] = rows[o + 5] - m5;
      stage[o + 6] = rows[o + 6] - m6;
      stage[o + 7] = rows[o + 7] - m7;
      stage[o + 8] = rows[o + 8] - m8;
      stage[o + 9] = rows[o + 9] - m9;
      stage[o + 10] = rows[o + 10] - m10;
      stage[o + 11] = rows[o + 11] - m11;
      stage[o + 12] = rows[o + 12] - m12;
      stage[o + 13] = rows[o + 13] - m13;
      stage[o + 14] = rows[o + 14] - m14;
      stage[o + 15] = rows[o + 15] - m15;
    }
  }
  for (; j < d; j++) {
    const mj = m[j];
    for (let k = k0; k < k1; k++) {
      const o = off[k] + j;
      stage[o] = rows[o] - mj;
    }
  }
}

/**
 * Over rows off[k0 … k1) of one class with float64 centre m: acc[k] = Σ_j (x − m[j])², summed
 * in column order from 0 (column blocks in order, the block's terms added one by one).
 */
function squaredDistances(
  rows: Float32Array,
  off: Int32Array,
  k0: number,
  k1: number,
  m: Float64Array,
  d: number,
  acc: Float64Array,
): void {
  for (let k = k0; k < k1; k++) acc[k] = 0;
  let j = 0;
  for (; j + 4 <= d; j += 4) {
    const m0 = m[j];
    const m1 = m[j + 1];
    const m2 = m[j + 2];
    const m3 = m[j + 3];
    for (let k = k0; k < k1; k++) {
      const o = off[k] + j;
      const t0 = rows[o] - m0;
      const t1 = rows[o + 1] - m1;
      const t2 = rows[o + 2] - m2;
      const t3 = rows[o + 3] - m3;
      acc[k] = acc[k] + t0 * t0 + t1 * t1 + t2 * t2 + t3 * t3;
    }
  }
  for (; j < d; j++) {
    const mj = m[j];
    for (let k = k0; k < k1; k++) {
      const t = rows[off[k] + j] - mj;
      acc[k] += t * t;
    }
  }
}

/** Rows this many at a time through the scatter's accumulators (the block's z within L1). */
const SCATTER_BLOCK = 128;

/** S[a][b] += Σ_i z[i][a]·z[i][b] for a ≤ b < nr, over nb rows of z (row stride cols), row order. */
function accumulateScatter(z: Float32Array, nb: number, cols: number, nr: number, S: Rows): void {
  for (let i0 = 0; i0 < nb; i0 += SCATTER_BLOCK) {
    const e0 = Math.min(nb, i0 + SCATTER_BLOCK) * cols;
    for (let a = 0; a < nr; a++) {
      const row = S[a];
      for (let b = a; b < nr; b++) {
        let s = row[b];
        for (let o = i0 * cols; o < e0; o += cols) s += z[o + a] * z[o + b];
        row[b] = s;
      }
    }
  }
}

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
  const K = plan.rel.length;
  const centre = plusRef(plan.rel, r);
  const clean = plan.cleanRel ? plusRef(plan.cleanRel, r) : null;
  const relM = dec ? dots(plan.rel, dec.rel) : [];
  const relW = dots(plan.rel, W);
  const scatter = plan.projection ? zeros(nr, nr) : null;
  const dist = plan.distances ? new Float64Array(N) : null;
  const cleanDist = clean ? new Float64Array(N) : null;
  const decisions = dec ? emptyDecisions(N, W.length > 0, dec.extras) : null;
  const right = cols ? tf.tensor2d(columns([...R, ...(dec?.rel ?? []), ...W], d), [d, cols]) : null;
  // the product's left operand: a tensor of this pass's own whose heap rows the staging loop
  // writes in place (one per batch size; no JS copy of the batch uploaded per batch)
  let staged = null as tf.Tensor2D | null;
  const acc = dist || cleanDist ? new Float64Array(Math.min(batchSize, N)) : null;
  // allocated before any view of the rows is taken (allocating may grow the heap)
  const heapStaging = right ? HeapStaging.create(centre, d, Math.min(batchSize, N)) : null;
  try {
    for (let start = 0; start < N; start += batchSize) {
      const end = Math.min(N, start + batchSize);
      const nb = end - start;
      const g = groupRows(labels.subarray(start, end), nb, K, d);
      if (right && staged?.shape[0] !== nb) {
        staged?.dispose();
        staged = tf.zeros([nb, d]);
      }
      // both views are read and written before tfjs allocates again (a growing heap detaches them)
      const rows = rowsInPlace(X, start, end);
      const stage = staged ? rowsInPlace(staged, 0, nb) : null;
      if (!rows || (staged && !stage))
        throw new Error('pass2InPlace: the rows cannot be read in place');
      const onHeap =
        stage !== null && heapStaging !== null && heapStaging.offsets(g.off, rows, stage);
      for (let y = 0; y < K; y++) {
        const k0 = g.start[y];
        const k1 = g.start[y + 1];
        if (k0 === k1) continue;
        if (stage) {
          const from = onHeap ? (heapStaging as HeapStaging).stage(rows, stage, k0, k1, y) : 0;
          if (from < d) stageSegment(rows, g.off, k0, k1, centre[y], d, stage, from);
        }
        if (dist && acc) {
          squaredDistances(rows, g.off, k0, k1, centre[y], d, acc);
          for (let k = k0; k < k1; k++) dist[start + g.row[k]] = Math.sqrt(acc[k]);
        }
        if (clean && cleanDist && acc) {
          squaredDistances(rows, g.off, k0, k1, clean[y], d, acc);
          for (let k = k0; k < k1; k++) cleanDist[start + g.row[k]] = Math.sqrt(acc[k]);
        }
      }
      if (!right || !staged) continue;
      const product = tf.matMul(staged, right);
      try {
        // read where the product lies (no copy); nothing below allocates a tensor
        const z =
          rowsInPlace(product as tf.Tensor2D, 0, nb) ?? ((await product.data()) as Float32Array);
        if (scatter) accumulateScatter(z, nb, cols, nr, scatter);
        if (dec && decisions) {
          decideBatch(z, nb, cols, nr, km, labels, start, relM, relW, dec, decisions);
        }
      } finally {
        product.dispose();
      }
    }
  } finally {
    right?.dispose();
    staged?.dispose();
    heapStaging?.dispose();
  }
  if (scatter)
    for (let a = 0; a < nr; a++) for (let b = 0; b < a; b++) scatter[a][b] = scatter[b][a];
  return { scatter, sigmaW: null, dist, cleanDist, decisions };
}

/**
 * The decisions of nb rows from their products (row i at z[i·cols]: NCC columns from nr, the
 * classifier's from nr + km). NCC picks argmin ‖m_k‖² − 2 (x − r)·m_k over non-empty classes;
 * the classifier argmax W(x − r) + (W r + b); ties go to the lowest index.
 */
function decideBatch(
  z: Float32Array,
  nb: number,
  cols: number,
  nr: number,
  km: number,
  labels: Int32Array,
  start: number,
  relM: Rows,
  relW: Rows,
  dec: NonNullable<Pass2Plan['decisions']>,
  out: Decisions,
): void {
  const nccConst = dec.nccConst;
  const netConst = out.net ? dec.netConst : null;
  const nobiasConst = out.nobias ? dec.nobiasConst : null;
  const { ncc, net, nobias, conf } = out;
  for (let i = 0; i < nb; i++) {
    const y = labels[start + i];
    const mo = i * cols + nr;
    const wo = mo + km;
    const rm = relM[y];
    let best = 0;
    let bestVal = Infinity;
    for (let k = 0; k < km; k++) {
      const c = nccConst[k];
      if (!Number.isFinite(c)) continue;
      const v = c - 2 * (z[mo + k] + rm[k]);
      if (v < bestVal) {
        bestVal = v;
        best = k;
      }
    }
    ncc[start + i] = best;
    if (!net || !netConst) continue;
    const rw = relW[y];
    const nw = rw.length;
    net[start + i] = argmaxLogit(z, wo, rw, netConst, nw);
    if (nobias && nobiasConst) nobias[start + i] = argmaxLogit(z, wo, rw, nobiasConst, nw);
    if (conf) {
      let zmax = -Infinity;
      for (let k = 0; k < nw; k++) zmax = Math.max(zmax, z[wo + k] + rw[k] + netConst[k]);
      let s = 0;
      for (let k = 0; k < nw; k++) s += Math.exp(z[wo + k] + rw[k] + netConst[k] - zmax);
      conf[start + i] = 1 / s;
    }
  }
}

/** argmax_k z[wo + k] + relW[k] + c[k] (the lowest index among ties). */
function argmaxLogit(
  z: Float32Array,
  wo: number,
  relW: Float64Array,
  c: Float64Array,
  n: number,
): number {
  let best = 0;
  let bestVal = -Infinity;
  for (let k = 0; k < n; k++) {
    const v = z[wo + k] + relW[k] + c[k];
    if (v > bestVal) {
      bestVal = v;
      best = k;
    }
  }
  return best;
}
