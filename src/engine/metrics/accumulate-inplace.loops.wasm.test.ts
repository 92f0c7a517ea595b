import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { dot, zeros, type Rows } from '../core/linalg';
import { segments as batchSegments } from './accumulate-device';
import { classPartialsInPlace, pass2InPlace, type BatchSegments } from './accumulate-inplace';
import { HeapMoments } from './heapSegments';
import { rowsInPlace } from './hostRows';
import type { Decisions, Pass2Out, Pass2Plan } from './types';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

// The in-place loops walk a batch one class at a time, a few columns wide, with the sums in
// locals. Every output must equal the plain row-by-row float64 sweep bit for bit: d = 37 leaves
// a tail after the 4- and 16-column blocks, classes are missing from batches, rows come in no
// class order, the features sit at an offset.
const d = 37;
const K = 6;
const OFFSET = 300;

function gaussian(seed: number) {
  let a = seed;
  const rnd = () => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a / 2147483648;
  };
  return () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
}

function segments(keys: Int32Array): BatchSegments {
  const count: Record<number, number> = {};
  for (const k of keys) count[k] = (count[k] ?? 0) + 1;
  const ids = Object.keys(count)
    .map(Number)
    .sort((a, b) => a - b);
  const index = Int32Array.from(keys, (k) => ids.indexOf(k));
  return { ids, index, count };
}

/** Float64 bit patterns, so −0, NaN and the last bit all count. */
const bits = (a: ArrayLike<number>) => Array.from(new BigUint64Array(Float64Array.from(a).buffer));

/** The plain sweep: each row's v = x − r added to its class's (and pair's) sums in row order. */
function referencePartials(
  rows: Float32Array,
  r: Float32Array,
  seg: BatchSegments,
  pairSeg: BatchSegments | null,
): Float64Array {
  const nb = rows.length / d;
  const P = seg.ids.length;
  const out = new Float64Array((2 * P + (pairSeg ? pairSeg.ids.length : 0)) * d);
  for (let i = 0; i < nb; i++) {
    for (let j = 0; j < d; j++) {
      const v = rows[i * d + j] - r[j];
      out[seg.index[i] * d + j] += v;
      out[(P + seg.index[i]) * d + j] += v * v;
      if (pairSeg) out[(2 * P + pairSeg.index[i]) * d + j] += v;
    }
  }
  seg.ids.forEach((c, p) => {
    for (let j = 0; j < d; j++) {
      const s = out[p * d + j];
      out[(P + p) * d + j] -= (s * s) / seg.count[c];
    }
  });
  return out;
}

describe('in-place pass loops, one class at a time', () => {
  const g = gaussian(3);
  const means = Array.from({ length: K }, () => Array.from({ length: d }, () => 3 * g()));

  it('classPartialsInPlace equals the row-by-row sweep bit for bit, in JavaScript and on the heap loop (classes missing, pairs given)', () => {
    const nb = 53;
    // classes 1 and 4 absent; labels in no order
    const present = [0, 2, 3, 5];
    const y = Int32Array.from({ length: nb }, (_, i) => present[(i * 7 + (i >> 2)) % 4]);
    const yo = Int32Array.from(y, (c, i) => (i % 5 === 0 ? (c + 1) % K : c));
    const rows = Float32Array.from(
      { length: nb * d },
      (_, k) => OFFSET + means[y[(k / d) | 0]][k % d] + g(),
    );
    const r = Float32Array.from({ length: d }, (_, j) => OFFSET + means[0][j] + 0.5 * g());
    const seg = segments(y);
    const pairSeg = segments(Int32Array.from(y, (c, i) => c * K + yo[i]));
    expect(seg.ids).toEqual(present);
    expect(pairSeg.ids.length).toBeGreaterThan(present.length);
    for (const pairs of [null, pairSeg]) {
      const got = classPartialsInPlace(rows, d, r, seg, pairs);
      const want = referencePartials(rows, r, seg, pairs);
      expect(got.length).toBe((2 * 4 + (pairs ? pairs.ids.length : 0)) * d);
      expect(bits(got)).toEqual(bits(want));
    }
    // the same on the heap loop (HeapMoments), reading the rows where a tensor holds them
    const wants = [null, pairSeg].map((pairs) => referencePartials(rows, r, seg, pairs));
    const X = tf.tensor2d(rows, [nb, d]);
    const heap = HeapMoments.create(r, nb);
    expect(heap).not.toBeNull();
    const view = rowsInPlace(X, 0, nb);
    expect(view).not.toBeNull();
    [null, pairSeg].forEach((pairs, i) =>
      expect(bits(classPartialsInPlace(view!, d, r, seg, pairs, heap))).toEqual(bits(wants[i])),
    );
    heap?.dispose();
    X.dispose();
    // a single row per class: q is exactly 0 up to rounding of s²/n
    const one = classPartialsInPlace(rows.subarray(0, d), d, r, segments(y.subarray(0, 1)), null);
    expect(Array.from(one.subarray(0, d))).toEqual(
      Array.from(rows.subarray(0, d), (x, j) => x - r[j]),
    );
  });

  /** The pass-2 outputs the plain way: stage row by row, the same product, row-by-row sums. */
  async function referencePass2(
    H: Float32Array,
    labels: Int32Array,
    B: number,
    r: Float32Array,
    plan: Pass2Plan,
  ): Promise<Pass2Out> {
    const N = labels.length;
    const R = plan.projection ?? [];
    const dec = plan.decisions;
    const W = dec?.W ?? [];
    const nr = R.length;
    const km = dec ? dec.rel.length : 0;
    const cols = nr + km + W.length;
    const plus = (rows: Rows) => rows.map((m) => Float64Array.from(m, (v, j) => v + r[j]));
    const centre = plus(plan.rel);
    const clean = plan.cleanRel ? plus(plan.cleanRel) : null;
    const right = new Float32Array(d * cols);
    [...R, ...(dec?.rel ?? []), ...W].forEach((row, c) => {
      for (let j = 0; j < d; j++) right[j * cols + c] = row[j];
    });
    const relM = dec ? plan.rel.map((x) => Float64Array.from(dec.rel, (m) => dot(x, m))) : [];
    const relW = plan.rel.map((x) => Float64Array.from(W, (w) => dot(x, w)));
    const scatter = plan.projection ? zeros(nr, nr) : null;
    const dist = plan.distances ? new Float64Array(N) : null;
    const cleanDist = clean ? new Float64Array(N) : null;
    const out: Decisions | null = dec
      ? {
          ncc: new Int32Array(N),
          net: W.length ? new Int32Array(N) : null,
          nobias: W.length && dec.extras ? new Int32Array(N) : null,
          conf: W.length && dec.extras ? new Float64Array(N) : null,
        }
      : null;
    for (let start = 0; start < N; start += B) {
      const nb = Math.min(N, start + B) - start;
      const stage = new Float32Array(nb * d);
      for (let i = 0; i < nb; i++) {
        const y = labels[start + i];
        let s = 0;
        let sc = 0;
        for (let j = 0; j < d; j++) {
          const x = H[(start + i) * d + j];
          const t = x - centre[y][j];
          stage[i * d + j] = t;
          s += t * t;
          if (clean) sc += (x - clean[y][j]) ** 2;
        }
        if (dist) dist[start + i] = Math.sqrt(s);
        if (cleanDist) cleanDist[start + i] = Math.sqrt(sc);
      }
      if (!cols) continue;
      const product = tf.tidy(() =>
        tf.matMul(tf.tensor2d(stage, [nb, d]), tf.tensor2d(right, [d, cols])),
      );
      const z = await product.data();
      product.dispose();
      for (let i = 0; i < nb; i++) {
        const y = labels[start + i];
        const o = i * cols;
        for (let a = 0; a < nr; a++)
          for (let b = a; b < nr; b++) scatter![a][b] += z[o + a] * z[o + b];
        if (!dec || !out) continue;
        let best = 0;
        let bestVal = Infinity;
        for (let k = 0; k < km; k++) {
          if (!Number.isFinite(dec.nccConst[k])) continue;
          const v = dec.nccConst[k] - 2 * (z[o + nr + k] + relM[y][k]);
          if (v < bestVal) [best, bestVal] = [k, v];
        }
        out.ncc[start + i] = best;
        const logits = (c: Float64Array) => W.map((_, k) => z[o + nr + km + k] + relW[y][k] + c[k]);
        const argmax = (v: number[]) => v.reduce((b, x, k) => (x > v[b] ? k : b), 0);
        if (out.net) out.net[start + i] = argmax(logits(dec.netConst!));
        if (out.nobias) out.nobias[start + i] = argmax(logits(dec.nobiasConst!));
        if (out.conf) {
          const l = logits(dec.netConst!);
          const zmax = l.reduce((m, x) => Math.max(m, x), -Infinity);
          out.conf[start + i] = 1 / l.reduce((s, x) => s + Math.exp(x - zmax), 0);
        }
      }
    }
    if (scatter)
      for (let a = 0; a < nr; a++) for (let b = 0; b < a; b++) scatter[a][b] = scatter[b][a];
    return { scatter, sigmaW: null, dist, cleanDist, decisions: out };
  }

  it('pass2InPlace equals the row-by-row pass bit for bit: distances, clean distances, scatter, every decision', async () => {
    const N = 300;
    const B = 64;
    // class 2 never appears, class 5 only in the first half; labels in no class order
    const labels = Int32Array.from({ length: N }, (_, i) => {
      const c = [0, 1, 3, 4, 5][(i * 3 + (i >> 3)) % 5];
      return c === 5 && i >= N / 2 ? 0 : c;
    });
    const H = Float32Array.from(
      { length: N * d },
      (_, k) => OFFSET + means[labels[(k / d) | 0]][k % d] + g(),
    );
    const X = tf.tensor2d(H, [N, d]);
    const r = Float32Array.from({ length: d }, () => OFFSET + 0.3 * g());
    const rel = means.map((m) => Float64Array.from(m, (v) => v + 0.01 * g() - 0.3 * g()));
    const cleanRel = rel.map((m) => Float64Array.from(m, (v) => v + 0.2 * g()));
    const W = means.map((m) => Float64Array.from(m, (v) => Math.fround(v / 2 + 0.3 * g())));
    const Wr = W.map((w) => dot(w, r));
    const nccConst = Float64Array.from(rel, (m) => dot(m, m));
    nccConst[2] = Infinity;
    const decisions = {
      rel,
      W,
      netConst: Float64Array.from(Wr, (v) => v + g()),
      nobiasConst: Float64Array.from(Wr),
      nccConst,
      extras: true,
    };
    const projection = Array.from({ length: 3 }, () => Float64Array.from({ length: d }, g));
    const base = { rel, sigmaW: false, projection: null, cleanRel: null, decisions: null };
    const plans: Pass2Plan[] = [
      { ...base, projection, distances: true, cleanRel, decisions },
      { ...base, distances: true, cleanRel },
      { ...base, distances: false, decisions: { ...decisions, W: null, extras: false } },
      { ...base, projection, distances: false, decisions: { ...decisions, extras: false } },
    ];
    try {
      for (const plan of plans) {
        const got = await pass2InPlace(X, labels, B, r, plan);
        const want = await referencePass2(H, labels, B, r, plan);
        for (const key of ['dist', 'cleanDist'] as const) {
          expect(got[key] === null).toBe(want[key] === null);
          if (want[key]) expect(bits(got[key]!)).toEqual(bits(want[key]));
        }
        expect(got.scatter?.map(bits) ?? null).toEqual(want.scatter?.map(bits) ?? null);
        const [a, b] = [got.decisions, want.decisions];
        expect(a === null).toBe(b === null);
        if (a && b) {
          expect(Array.from(a.ncc)).toEqual(Array.from(b.ncc));
          expect(a.net && Array.from(a.net)).toEqual(b.net && Array.from(b.net));
          expect(a.nobias && Array.from(a.nobias)).toEqual(b.nobias && Array.from(b.nobias));
          expect(a.conf && bits(a.conf)).toEqual(b.conf && bits(b.conf));
          // the Infinity class is never picked, and the decisions are not all one class
          expect(a.ncc.includes(2)).toBe(false);
          expect(new Set(a.ncc).size).toBeGreaterThan(2);
        }
      }
      const full = await pass2InPlace(X, labels, B, r, plans[0]);
      expect(Math.min(...full.dist!)).toBeGreaterThan(0);
      expect(full.scatter![0][0]).toBeGreaterThan(0);
      // a label with no class mean is refused, not read past the means
      const bad = Int32Array.from(labels, (c, i) => (i === 70 ? K : c));
      await expect(pass2InPlace(X, bad, B, r, plans[1])).rejects.toThrow(/key 6 of row 6 /);
    } finally {
      X.dispose();
    }
  });

  it('segments: ascending distinct keys, each row’s position and the counts, for short and wide key ranges', () => {
    const cases = [
      Int32Array.from({ length: 50 }, (_, i) => (i * 7) % 11),
      Int32Array.from({ length: 40 }, (_, i) => ((i * 5) % 9) - 4),
      Int32Array.from({ length: 30 }, (_, i) => ((i * 13) % 7) * 100_000 - 7),
      Int32Array.of(5),
      new Int32Array(0),
    ];
    for (const keys of cases) {
      const got = batchSegments(keys);
      const ids = [...new Set(keys)].sort((a, b) => a - b);
      expect(got.ids).toEqual(ids);
      expect(Array.from(got.index)).toEqual(Array.from(keys, (k) => ids.indexOf(k)));
      expect(got.count).toEqual(
        Object.fromEntries(ids.map((k) => [k, keys.filter((x) => x === k).length])),
      );
    }
  });
});
