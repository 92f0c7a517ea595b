// Streaming accumulation on a tfjs backend (float32; docs/metrics.md §5.2–5.4): every batch is
// shifted by r (the mean of the first batch) and reduced on the device to small per-class partials
// (K×d sums and sums of squares, a rows×rows projected scatter, per-sample decisions); the host
// merges them in float64. No d×d tensor is created unless sigma_w is explicitly requested; reads
// use `await data()` only (never dataSync), and every batch runs inside tf.tidy.
import * as tf from '@tensorflow/tfjs-core';
import { classPartialsInPlace, emptyDecisions, pass2InPlace } from './accumulate-inplace';
import { HeapMoments } from './heapSegments';
import {
  canReadInPlace,
  canReadRowRanges,
  columnMeanF32,
  rowsInPlace,
  rowsOnHost,
} from './hostRows';
import { zeros, type Rows } from '../core/linalg';
import type {
  Accumulator,
  ClassMoments,
  DecisionPlan,
  Decisions,
  DeepLayer,
  Pass2Out,
  Pass2Plan,
} from './types';

export interface DeviceAccumulatorInput {
  K: number;
  features: tf.Tensor2D;
  labels: Int32Array;
  labelsOriginal: Int32Array | null;
  testFeatures: tf.Tensor2D | null;
  testLabels: Int32Array | null;
  layers: tf.Tensor2D[] | null;
  batchSize: number;
}

/** Row-major float32 upload of a host matrix, optionally transposed (so matMul needs no transpose). */
function upload(rows: Rows, transpose = false): tf.Tensor2D {
  const m = rows.length;
  const n = m > 0 ? rows[0].length : 0;
  const buf = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) buf[transpose ? j * m + i : i * n + j] = rows[i][j];
  }
  return transpose ? tf.tensor2d(buf, [n, m]) : tf.tensor2d(buf, [m, n]);
}

/**
 * Segments present in a batch: distinct keys (ascending), per-row compact index, and one-hot
 * matrices so that segment sums (P×B · B×d) and row gathers (B×P · P×d) can be plain matMuls:
 * UnsortedSegmentSum has no wasm kernel and wasm's GatherV2 is slow for B×d outputs.
 */
export interface Segments {
  ids: number[];
  index: Int32Array;
  count: Record<number, number>;
  /** P×B */
  oneHot: () => tf.Tensor2D;
  /** B×P */
  oneHotT: () => tf.Tensor2D;
}

export function segments(keys: Int32Array): Segments {
  const B = keys.length;
  let lo = 0;
  let hi = -1;
  for (let i = 0; i < B; i++) {
    const k = keys[i];
    if (i === 0 || k < lo) lo = k;
    if (i === 0 || k > hi) hi = k;
  }
  const ids: number[] = [];
  const count: Record<number, number> = {};
  const index = new Int32Array(B);
  if (hi - lo < 4 * B + 64) {
    // keys in a short range (classes, label pairs): tallies in a typed array, no Map per row
    const span = hi - lo + 1;
    const tally = new Int32Array(span);
    for (let i = 0; i < B; i++) tally[keys[i] - lo]++;
    const pos = new Int32Array(span);
    for (let v = 0; v < span; v++) {
      if (tally[v] === 0) continue;
      pos[v] = ids.length;
      ids.push(lo + v);
      count[lo + v] = tally[v];
    }
    for (let i = 0; i < B; i++) index[i] = pos[keys[i] - lo];
  } else {
    for (const k of keys) count[k] = (count[k] ?? 0) + 1;
    for (const k of Object.keys(count)) ids.push(Number(k));
    ids.sort((a, b) => a - b);
    const pos = new Map(ids.map((k, p) => [k, p]));
    for (let i = 0; i < B; i++) index[i] = pos.get(keys[i])!;
  }
  return {
    ids,
    index,
    count,
    oneHot: () => {
      const buf = new Float32Array(ids.length * B);
      for (let i = 0; i < B; i++) buf[index[i] * B + i] = 1;
      return tf.tensor2d(buf, [ids.length, B]);
    },
    oneHotT: () => {
      const P = ids.length;
      const buf = new Float32Array(B * P);
      for (let i = 0; i < B; i++) buf[i * P + index[i]] = 1;
      return tf.tensor2d(buf, [B, P]);
    },
  };
}

function slices(N: number, B: number): [number, number][] {
  const out: [number, number][] = [];
  for (let s = 0; s < N; s += B) out.push([s, Math.min(N, s + B)]);
  return out;
}

/** Tensors kept for the decision kernels of pass 2 and the test pass. */
interface DecisionTensors {
  Wt: tf.Tensor2D | null;
  netC: tf.Tensor1D | null;
  nobC: tf.Tensor1D | null;
  Mt: tf.Tensor2D;
  nccC: tf.Tensor1D;
  extras: boolean;
}

export class DeviceAccumulator implements Accumulator {
  readonly N: number;
  readonly d: number;
  private readonly K: number;
  private readonly inp: DeviceAccumulatorInput;
  private r32: tf.Tensor1D | null = null;
  /** host copy of r32 (the shift applied while reading host rows) */
  private rHost: Float32Array | null = null;
  /** pass 1's heap loop for the class moments, while pass 1 runs */
  private heapMoments: HeapMoments | null = null;
  private readonly owned: tf.Tensor[] = [];

  /**
   * Segment sums / row gathers with UnsortedSegmentSum + GatherV2 where they are native kernels;
   * on wasm (no UnsortedSegmentSum, slow GatherV2) as one-hot matMuls.
   */
  private readonly segmentKernels: boolean;

  constructor(inp: DeviceAccumulatorInput) {
    this.inp = inp;
    const backend = tf.getBackend();
    this.segmentKernels =
      backend !== 'wasm' && tf.getKernel('UnsortedSegmentSum', backend) !== undefined;
    this.K = inp.K;
    [this.N, this.d] = inp.features.shape;
  }

  /** Σ of the rows of each segment present in the batch (P×d). */
  private segmentSum(X: tf.Tensor2D, seg: Segments): tf.Tensor2D {
    return this.segmentKernels
      ? tf.unsortedSegmentSum(X, tf.tensor1d(seg.index, 'int32'), seg.ids.length)
      : tf.matMul(seg.oneHot(), X);
  }

  /** Row i of the result = row index[i] of the per-segment matrix Mp (P×d). */
  private expandRows(Mp: tf.Tensor2D, seg: Segments): tf.Tensor2D {
    return this.segmentKernels
      ? tf.gather(Mp, tf.tensor1d(seg.index, 'int32'))
      : tf.matMul(seg.oneHotT(), Mp);
  }

  private keep<T extends tf.Tensor>(t: T): T {
    this.owned.push(t);
    return t;
  }

  private batch(X: tf.Tensor2D, start: number, end: number): tf.Tensor2D {
    // a single batch needs no copy
    if (start === 0 && end === X.shape[0]) return X.dtype === 'float32' ? X : tf.cast(X, 'float32');
    // wasm's Slice kernel copies the whole source out of the heap per call: read the rows instead
    if (canReadRowRanges())
      return tf.tensor2d(rowsOnHost(X, start, end, null), [end - start, X.shape[1]]);
    const b = tf.slice(X, [start, 0], [end - start, this.d]);
    return b.dtype === 'float32' ? b : tf.cast(b, 'float32');
  }

  /**
   * Rows [start, end) of X minus r. Where rows can be read on the host, the shift is applied
   * there while copying (bit-identical to the device subtraction, and wasm's broadcasting
   * subtraction is its slow generic path).
   */
  private shifted(X: tf.Tensor2D, start: number, end: number): tf.Tensor2D {
    const r32 = this.requireRef();
    if (this.rHost && canReadRowRanges())
      return tf.tensor2d(rowsOnHost(X, start, end, this.rHost), [end - start, X.shape[1]]);
    return tf.sub(this.batch(X, start, end), r32);
  }

  /** Per-class sums, batch-centred sums of squares and pair sums of one batch (rows P×d each). */
  private classPartials(
    start: number,
    end: number,
    seg: Segments,
    pairSeg: Segments | null,
  ): tf.Tensor2D {
    const Xs = this.shifted(this.inp.features, start, end);
    const s = this.segmentSum(Xs, seg); // per-class batch sums (P×d)
    const inv = tf.tensor2d(
      seg.ids.map((c) => 1 / seg.count[c]),
      [seg.ids.length, 1],
    );
    // batch-class-centred squares: no E[h²] − μ² cancellation in float32
    const dev: tf.Tensor2D = tf.sub(Xs, this.expandRows(tf.mul(s, inv), seg));
    const q = this.segmentSum(tf.square(dev), seg);
    const out = [s, q];
    if (pairSeg) out.push(this.segmentSum(Xs, pairSeg));
    return tf.concat(out, 0);
  }

  /**
   * classPartials from the batch read transposed on the host (d × B): the one-hot matrices become
   * the small right operands of the matMuls. With the batch on the right, XNNPACK re-packs all of
   * it on every call (the one-hot segment sums were the largest kernel time of a wasm pass).
   */
  private classPartialsT(
    start: number,
    end: number,
    seg: Segments,
    pairSeg: Segments | null,
  ): tf.Tensor2D {
    const nb = end - start;
    const Xt = tf.tensor2d(rowsOnHost(this.inp.features, start, end, this.rHost, true), [
      this.d,
      nb,
    ]);
    const sT = tf.matMul(Xt, seg.oneHotT()); // d×P
    const inv = tf.tensor2d(
      seg.ids.map((c) => 1 / seg.count[c]),
      [1, seg.ids.length],
    );
    const devT = tf.sub(Xt, tf.matMul(tf.mul(sT, inv), seg.oneHot()));
    const qT = tf.matMul(tf.square(devT), seg.oneHotT());
    const out = [sT, qT];
    if (pairSeg) out.push(tf.matMul(Xt, pairSeg.oneHotT()));
    return tf.transpose(tf.concat(out, 1)) as tf.Tensor2D;
  }

  /** One batch's classPartials: on the host from rows read in place where it can, else on the device. */
  private async partials(
    start: number,
    end: number,
    seg: Segments,
    pairSeg: Segments | null,
  ): Promise<ArrayLike<number>> {
    const rows = this.rHost ? rowsInPlace(this.inp.features, start, end) : null;
    if (rows && this.rHost)
      return classPartialsInPlace(rows, this.d, this.rHost, seg, pairSeg, this.heapMoments);
    const packed = tf.tidy(() =>
      canReadRowRanges()
        ? this.classPartialsT(start, end, seg, pairSeg)
        : this.classPartials(start, end, seg, pairSeg),
    );
    const data = await packed.data();
    packed.dispose();
    return data;
  }

  async pass1(withNoise: boolean): Promise<ClassMoments> {
    const { K, N, d, inp } = this;
    const B = inp.batchSize;
    const parts = slices(N, B);
    // r = float32 mean of the first batch; all device work is on h − r
    // (read in place on wasm: its Mean kernel would first transpose the batch, ~25 ms a pass)
    const n0 = parts[0][1];
    const first = rowsInPlace(inp.features, 0, n0);
    const hostMean = first ? columnMeanF32(first, n0, d) : null;
    this.r32 = this.keep(
      hostMean
        ? tf.tensor1d(hostMean)
        : tf.tidy(() => tf.mean(this.batch(inp.features, 0, n0), 0) as tf.Tensor1D),
    );
    const r32host = hostMean ?? ((await this.r32.data()) as Float32Array);
    this.rHost = r32host;
    // the heap loop's scratch, before any view of the rows is taken (allocating may grow the
    // heap and detach views); disposed when the pass ends
    this.heapMoments = canReadInPlace(inp.features) ? HeapMoments.create(r32host, B) : null;
    const ref = Float64Array.from(r32host);
    const counts = new Array<number>(K).fill(0);
    const rel = zeros(K, d);
    const m2 = zeros(K, d);
    const yo = withNoise ? inp.labelsOriginal : null;
    const pairCounts = new Array<number>(yo ? K * K : 0).fill(0);
    const pairRelSums = yo ? zeros(K * K, d) : [];
    try {
      for (const [start, end] of parts) {
        const y = inp.labels.subarray(start, end);
        const seg = segments(y);
        const pairKeys = yo ? Int32Array.from(y, (c, i) => c * K + yo[start + i]) : null;
        const pairSeg = pairKeys ? segments(pairKeys) : null;
        const data = await this.partials(start, end, seg, pairSeg);
        const P = seg.ids.length;
        // per-class Chan merge of means and per-coordinate M2 in float64
        seg.ids.forEach((c, p) => {
          const nB = seg.count[c];
          const nA = counts[c];
          const n = nA + nB;
          const mu = rel[c];
          const Q = m2[c];
          const so = p * d;
          const qo = (P + p) * d;
          for (let j = 0; j < d; j++) {
            const delta = data[so + j] / nB - mu[j];
            mu[j] += (delta * nB) / n;
            Q[j] += data[qo + j] + (delta * delta * nA * nB) / n;
          }
          counts[c] = n;
        });
        if (pairSeg) {
          pairSeg.ids.forEach((key, p) => {
            pairCounts[key] += pairSeg.count[key];
            const acc = pairRelSums[key];
            const o = (2 * P + p) * d;
            for (let j = 0; j < d; j++) acc[j] += data[o + j];
          });
        }
      }
    } finally {
      this.heapMoments?.dispose();
      this.heapMoments = null;
    }
    const noise = yo ? { pairCounts, pairRelSums } : null;
    return { N, d, counts, ref, rel, m2, noise, batches: parts.length };
  }

  async deepChain(Mc: Rows, g: Float64Array, classes: number[]): Promise<DeepLayer[]> {
    const layers = this.inp.layers;
    if (!layers) throw new Error('deepChain called without layers');
    const M = layers.length;
    const Ke = classes.length;
    const packed = tf.tidy(() => {
      // bottom-up: [M̃_l; μ_G^(l)] = [M̃; μ_G] T_lᵀ
      const X: tf.Tensor2D[] = [upload([...Mc, g])];
      for (let l = 1; l < M; l++) X.push(tf.matMul(X[l - 1], layers[l - 1], false, true));
      // top-down: E_{M-1} = W_M (rows of the non-empty classes), E_l = E_{l+1} W_{l+1}
      const E: tf.Tensor2D[] = new Array<tf.Tensor2D>(M);
      E[M - 1] = tf.gather(layers[M - 1], tf.tensor1d(classes, 'int32'));
      for (let l = M - 2; l >= 0; l--) E[l] = tf.matMul(E[l + 1], layers[l]);
      const out: tf.Tensor[] = [];
      for (let l = 0; l < M; l++) {
        // R_l = M̃_l W_l ⋯ W_1 (K_eff × d): layer-l projection of the layer-0 residuals
        let R = tf.slice(X[l], [0, 0], [Ke, X[l].shape[1]]);
        for (let j = l - 1; j >= 0; j--) R = tf.matMul(R, layers[j]);
        out.push(tf.reshape(E[l], [-1]), tf.reshape(X[l], [-1]), tf.reshape(R, [-1]));
      }
      return tf.concat(out);
    });
    const flat = await packed.data();
    packed.dispose();
    const rowsAt = (o: number, r: number, c: number): Rows =>
      Array.from({ length: r }, (_, i) =>
        Float64Array.from(flat.subarray(o + i * c, o + (i + 1) * c)),
      );
    const res: DeepLayer[] = [];
    let o = 0;
    for (let l = 0; l < M; l++) {
      const dl = l === 0 ? this.d : layers[l - 1].shape[0];
      const E = rowsAt(o, Ke, dl);
      o += Ke * dl;
      const X = rowsAt(o, Ke + 1, dl);
      o += (Ke + 1) * dl;
      const R = rowsAt(o, Ke, this.d);
      o += Ke * this.d;
      // layer 0 is known exactly in float64 on the host
      res.push(l === 0 ? { E, Mc, g, R: Mc } : { E, Mc: X.slice(0, Ke), g: X[Ke], R });
    }
    return res;
  }

  private decisionTensors(plan: DecisionPlan): DecisionTensors {
    const K = plan.nccConst.length;
    return {
      Wt: plan.W ? this.keep(upload(plan.W, true)) : null,
      netC: plan.netConst ? this.keep(tf.tensor1d(Float32Array.from(plan.netConst))) : null,
      nobC: plan.nobiasConst ? this.keep(tf.tensor1d(Float32Array.from(plan.nobiasConst))) : null,
      Mt: this.keep(upload(plan.rel, true)),
      nccC: this.keep(tf.tensor1d(Float32Array.from({ length: K }, (_, c) => plan.nccConst[c]))),
      extras: plan.extras,
    };
  }

  /** Per-sample decisions of one batch of shifted features, as float32 columns. */
  private decide(Xs: tf.Tensor2D, t: DecisionTensors): tf.Tensor1D[] {
    // NCC: argmin ‖x − m_c‖² = argmin (‖m_c‖² − 2 x·m_c) on shifted x, m (§2.4)
    const scores = tf.sub(t.nccC, tf.mul(tf.matMul(Xs, t.Mt), 2));
    const out: tf.Tensor1D[] = [tf.cast(tf.argMin(scores, 1), 'float32') as tf.Tensor1D];
    if (t.Wt && t.netC) {
      const Z = tf.matMul(Xs, t.Wt);
      const logits = tf.add(Z, t.netC);
      out.push(tf.cast(tf.argMax(logits, 1), 'float32') as tf.Tensor1D);
      if (t.extras && t.nobC) {
        out.push(tf.cast(tf.argMax(tf.add(Z, t.nobC), 1), 'float32') as tf.Tensor1D);
        out.push(tf.max(tf.softmax(logits), 1) as tf.Tensor1D);
      }
    }
    return out;
  }

  async pass2(plan: Pass2Plan): Promise<Pass2Out> {
    const { N, d, inp } = this;
    if (!plan.sigmaW && this.rHost && canReadInPlace(inp.features))
      return pass2InPlace(inp.features, inp.labels, inp.batchSize, this.rHost, plan);
    const rel32 = this.keep(upload(plan.rel));
    const Rt = plan.projection ? this.keep(upload(plan.projection, true)) : null;
    const nr = plan.projection ? plan.projection.length : 0;
    const clean32 = plan.cleanRel ? this.keep(upload(plan.cleanRel)) : null;
    const dec = plan.decisions ? this.decisionTensors(plan.decisions) : null;
    const scatter = Rt ? zeros(nr, nr) : null;
    const sigmaW = plan.sigmaW ? zeros(d, d) : null;
    const dist = plan.distances ? new Float64Array(N) : null;
    const cleanDist = clean32 ? new Float64Array(N) : null;
    const decisions = dec ? emptyDecisions(N, dec.Wt !== null, dec.extras) : null;
    for (const [start, end] of slices(N, inp.batchSize)) {
      const nb = end - start;
      const seg = segments(inp.labels.subarray(start, end));
      const packed = tf.tidy(() => {
        const Xs = this.shifted(inp.features, start, end);
        const ids = tf.tensor1d(seg.ids, 'int32');
        const D = tf.sub(Xs, this.expandRows(tf.gather(rel32, ids), seg));
        const parts: tf.Tensor[] = [];
        if (Rt) {
          const P = tf.matMul(D, Rt);
          parts.push(tf.reshape(tf.matMul(P, P, true, false), [-1]));
        }
        if (sigmaW) parts.push(tf.reshape(tf.matMul(D, D, true, false), [-1]));
        if (dist) parts.push(tf.sqrt(tf.sum(tf.square(D), 1)));
        if (clean32) {
          parts.push(
            tf.sqrt(
              tf.sum(tf.square(tf.sub(Xs, this.expandRows(tf.gather(clean32, ids), seg))), 1),
            ),
          );
        }
        if (dec) parts.push(...this.decide(Xs, dec));
        return tf.concat(parts);
      });
      const data = await packed.data();
      packed.dispose();
      let o = 0;
      if (scatter) {
        for (let a = 0; a < nr; a++)
          for (let b = 0; b < nr; b++) scatter[a][b] += data[o + a * nr + b];
        o += nr * nr;
      }
      if (sigmaW) {
        for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) sigmaW[a][b] += data[o + a * d + b];
        o += d * d;
      }
      const column = (target: Float64Array | Int32Array | null) => {
        if (!target) return;
        for (let i = 0; i < nb; i++) target[start + i] = data[o + i];
        o += nb;
      };
      column(dist);
      column(cleanDist);
      if (decisions) {
        column(decisions.ncc);
        column(decisions.net);
        column(decisions.nobias);
        column(decisions.conf);
      }
    }
    return { scatter, sigmaW, dist, cleanDist, decisions };
  }

  async testDecisions(plan: DecisionPlan): Promise<Decisions | null> {
    const { inp } = this;
    const X = inp.testFeatures;
    if (!X) return null;
    const n = X.shape[0];
    if (this.rHost && canReadInPlace(X)) {
      // x − r against one zero "class mean": the pass-2 products give the decisions alone
      const only = { rel: [new Float64Array(this.d)], projection: null, sigmaW: false };
      const res = await pass2InPlace(X, new Int32Array(n), inp.batchSize, this.rHost, {
        ...only,
        distances: false,
        cleanRel: null,
        decisions: { ...plan, extras: false },
      });
      return res.decisions;
    }
    const dec = this.decisionTensors({ ...plan, extras: false });
    const out = emptyDecisions(n, dec.Wt !== null, false);
    for (const [start, end] of slices(n, inp.batchSize)) {
      const packed = tf.tidy(() => tf.concat(this.decide(this.shifted(X, start, end), dec)));
      const data = await packed.data();
      packed.dispose();
      const nb = end - start;
      for (let i = 0; i < nb; i++) out.ncc[start + i] = data[i];
      if (out.net) for (let i = 0; i < nb; i++) out.net[start + i] = data[nb + i];
    }
    return out;
  }

  private requireRef(): tf.Tensor1D {
    if (!this.r32) throw new Error('pass1 must run before pass2 / test decisions');
    return this.r32;
  }

  dispose(): void {
    for (const t of this.owned) t.dispose();
    this.owned.length = 0;
    this.r32 = null;
    this.rHost = null;
  }
}
