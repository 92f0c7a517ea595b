// Float64 host accumulation over plain arrays: the exact reference path used for files, the CLI
// and the float64 oracle tests. Same contract as the device path (types.ts: Accumulator).
import { dot, zeros, type Rows } from '../core/linalg';
import { rowSource, type RowSource } from './hostmatrix';
import { hostDeepChain } from './deep';
import type {
  Accumulator,
  ClassMoments,
  DecisionPlan,
  Decisions,
  DeepLayer,
  HostMatrix,
  Pass2Out,
  Pass2Plan,
} from './types';

export interface HostAccumulatorInput {
  K: number;
  features: HostMatrix;
  labels: Int32Array;
  labelsOriginal: Int32Array | null;
  testFeatures: HostMatrix | null;
  testLabels: Int32Array | null;
  layers: Rows[] | null;
}

export class HostAccumulator implements Accumulator {
  readonly N: number;
  readonly d: number;
  private readonly K: number;
  private readonly H: RowSource;
  private readonly y: Int32Array;
  private readonly yOrig: Int32Array | null;
  private readonly test: RowSource | null;
  private readonly layers: Rows[] | null;
  private ref: Float64Array | null = null;

  constructor(inp: HostAccumulatorInput) {
    this.K = inp.K;
    this.H = rowSource(inp.features, 'features');
    this.N = this.H.rows;
    this.d = this.H.cols;
    this.y = inp.labels;
    this.yOrig = inp.labelsOriginal;
    this.test = inp.testFeatures ? rowSource(inp.testFeatures, 'testFeatures') : null;
    this.layers = inp.layers;
  }

  async pass1(withNoise: boolean): Promise<ClassMoments> {
    const { K, N, d, H, y } = this;
    // exact two-pass statistics in float64; r = global mean keeps the relative means small
    const ref = new Float64Array(d);
    for (let i = 0; i < N; i++) {
      const h = H.row(i);
      for (let j = 0; j < d; j++) ref[j] += h[j];
    }
    for (let j = 0; j < d; j++) ref[j] /= N;
    const counts = new Array<number>(K).fill(0);
    const rel = zeros(K, d);
    for (let i = 0; i < N; i++) {
      const h = H.row(i);
      const s = rel[y[i]];
      counts[y[i]]++;
      for (let j = 0; j < d; j++) s[j] += h[j] - ref[j];
    }
    for (let c = 0; c < K; c++)
      if (counts[c] > 0) for (let j = 0; j < d; j++) rel[c][j] /= counts[c];
    const m2 = zeros(K, d);
    for (let i = 0; i < N; i++) {
      const h = H.row(i);
      const m = rel[y[i]];
      const q = m2[y[i]];
      for (let j = 0; j < d; j++) {
        const t = h[j] - ref[j] - m[j];
        q[j] += t * t;
      }
    }
    let noise: ClassMoments['noise'] = null;
    if (withNoise && this.yOrig) {
      const pairCounts = new Array<number>(K * K).fill(0);
      const pairRelSums = zeros(K * K, d);
      for (let i = 0; i < N; i++) {
        const p = y[i] * K + this.yOrig[i];
        pairCounts[p]++;
        const h = H.row(i);
        const s = pairRelSums[p];
        for (let j = 0; j < d; j++) s[j] += h[j] - ref[j];
      }
      noise = { pairCounts, pairRelSums };
    }
    this.ref = ref;
    return { N, d, counts, ref, rel, m2, noise, batches: 1 };
  }

  async deepChain(Mc: Rows, g: Float64Array, classes: number[]): Promise<DeepLayer[]> {
    if (!this.layers) throw new Error('deepChain called without layers');
    return hostDeepChain(this.layers, Mc, g, classes);
  }

  async pass2(plan: Pass2Plan): Promise<Pass2Out> {
    const { N, d, H, y } = this;
    const ref = this.requireRef();
    const R = plan.projection;
    const nr = R ? R.length : 0;
    const scatter = R ? zeros(nr, nr) : null;
    const sigmaW = plan.sigmaW ? zeros(d, d) : null;
    const dist = plan.distances ? new Float64Array(N) : null;
    const cleanDist = plan.cleanRel ? new Float64Array(N) : null;
    const D = new Float64Array(d);
    const P = new Float64Array(nr);
    for (let i = 0; i < N; i++) {
      const h = H.row(i);
      const m = plan.rel[y[i]];
      for (let j = 0; j < d; j++) D[j] = h[j] - ref[j] - m[j];
      if (R && scatter) {
        for (let a = 0; a < nr; a++) P[a] = dot(R[a], D);
        for (let a = 0; a < nr; a++) {
          const row = scatter[a];
          const pa = P[a];
          for (let b = a; b < nr; b++) row[b] += pa * P[b];
        }
      }
      if (sigmaW) {
        for (let a = 0; a < d; a++) {
          const row = sigmaW[a];
          const da = D[a];
          for (let b = a; b < d; b++) row[b] += da * D[b];
        }
      }
      if (dist) dist[i] = Math.sqrt(dot(D, D));
      if (cleanDist && plan.cleanRel) {
        const cm = plan.cleanRel[y[i]];
        let s = 0;
        for (let j = 0; j < d; j++) {
          const t = h[j] - ref[j] - cm[j];
          s += t * t;
        }
        cleanDist[i] = Math.sqrt(s);
      }
    }
    if (scatter) mirrorUpper(scatter);
    if (sigmaW) mirrorUpper(sigmaW);
    const decisions = plan.decisions ? hostDecisions(H, plan.decisions, ref) : null;
    return { scatter, sigmaW, dist, cleanDist, decisions };
  }

  async testDecisions(plan: DecisionPlan): Promise<Decisions | null> {
    if (!this.test) return null;
    return hostDecisions(this.test, plan, this.requireRef());
  }

  private requireRef(): Float64Array {
    if (!this.ref) throw new Error('pass1 must run before pass2 / test decisions');
    return this.ref;
  }

  dispose(): void {}
}

function mirrorUpper(S: Rows): void {
  for (let a = 0; a < S.length; a++) for (let b = 0; b < a; b++) S[a][b] = S[b][a];
}

/** argmax / argmin with ties to the lowest index (numpy/torch convention). */
function hostDecisions(H: RowSource, plan: DecisionPlan, ref: Float64Array): Decisions {
  const rel = plan.rel;
  const N = H.rows;
  const d = H.cols;
  const K = plan.nccConst.length;
  const W = plan.W;
  const net = W ? new Int32Array(N) : null;
  const nobias = W && plan.extras ? new Int32Array(N) : null;
  const conf = W && plan.extras ? new Float64Array(N) : null;
  const ncc = new Int32Array(N);
  const x = new Float64Array(d);
  const z = new Float64Array(W ? W.length : 0);
  for (let i = 0; i < N; i++) {
    const h = H.row(i);
    for (let j = 0; j < d; j++) x[j] = h[j] - ref[j];
    let best = 0;
    let bestVal = Infinity;
    for (let c = 0; c < K; c++) {
      if (!Number.isFinite(plan.nccConst[c])) continue;
      let s = 0;
      const m = rel[c];
      for (let j = 0; j < d; j++) {
        const t = x[j] - m[j];
        s += t * t;
      }
      if (s < bestVal) {
        bestVal = s;
        best = c;
      }
    }
    ncc[i] = best;
    if (W && net && plan.netConst) {
      for (let c = 0; c < W.length; c++) z[c] = dot(W[c], x);
      net[i] = argmaxShift(z, plan.netConst);
      if (nobias && plan.nobiasConst) nobias[i] = argmaxShift(z, plan.nobiasConst);
      if (conf) {
        let zmax = -Infinity;
        for (let c = 0; c < z.length; c++) zmax = Math.max(zmax, z[c] + plan.netConst[c]);
        let s = 0;
        for (let c = 0; c < z.length; c++) s += Math.exp(z[c] + plan.netConst[c] - zmax);
        conf[i] = 1 / s;
      }
    }
  }
  return { net, nobias, ncc, conf };
}

function argmaxShift(z: Float64Array, c: Float64Array): number {
  let best = 0;
  let bestVal = -Infinity;
  for (let k = 0; k < z.length; k++) {
    const v = z[k] + c[k];
    if (v > bestVal) {
      bestVal = v;
      best = k;
    }
  }
  return best;
}
