// The class statistics every geometry family starts from, derived once from pass 1.
import { etfTarget, gram, identityTarget, type Rows } from '../../core/linalg';
import { rowGeometry } from '../nc2';
import type { ClassMoments } from '../types';
import type { ClassStats } from './family';

/** f evaluated on first call, then remembered */
function once<T>(f: () => T): () => T {
  let done = false;
  let v: T;
  return () => {
    if (!done) {
      v = f();
      done = true;
    }
    return v;
  };
}

export function classStats(mom: ClassMoments, W: Rows | null): ClassStats {
  const { N, d, ref, counts } = mom;
  const classes = counts.map((n, c) => (n > 0 ? c : -1)).filter((c) => c >= 0);
  const Ke = classes.length;
  const n = classes.map((c) => counts[c]);
  const rel = classes.map((c) => mom.rel[c]);
  const absolute = (v: ArrayLike<number>) => Float64Array.from(v, (x, j) => ref[j] + x);
  const gRel = new Float64Array(d);
  const gRelU = new Float64Array(d);
  rel.forEach((m, k) => {
    for (let j = 0; j < d; j++) {
      gRel[j] += (n[k] / N) * m[j];
      gRelU[j] += m[j] / Ke;
    }
  });
  const Mc = rel.map((m) => m.map((v, j) => v - gRel[j]));
  const McU = rel.map((m) => m.map((v, j) => v - gRelU[j]));
  const classVar = classes.map((c, k) => mom.m2[c].reduce((a, v) => a + v, 0) / n[k]);
  const We = W ? classes.map((c) => W[c]) : null;
  return {
    N,
    d,
    classes,
    n,
    Ke,
    ref,
    rel,
    gRel,
    gRelU,
    Mc,
    McU,
    delta: gRel.map((v, j) => v - gRelU[j]),
    means: rel.map(absolute),
    globalMean: absolute(gRel),
    classVar,
    traceSw: classVar.reduce((a, v, k) => a + (n[k] / N) * v, 0),
    traceSb: Mc.reduce((a, m) => a + m.reduce((s, v) => s + v * v, 0), 0) / Ke,
    We,
    gramMc: once(() => gram(Mc)),
    gramMcU: once(() => gram(McU)),
    meanGeometry: once(() => rowGeometry(Mc)),
    weightGeometry: once(() => (We ? rowGeometry(We) : null)),
    etf: once(() => etfTarget(Ke)),
    identity: once(() => identityTarget(Ke)),
  };
}
