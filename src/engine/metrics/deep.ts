// Per-layer metrics through a bias-free linear stack (docs/metrics.md §2.8). Layer statistics
// follow from the layer-0 ones: μ^{(l)} = T_l μ, Σ_W^{(l)} = T_l Σ_W T_lᵀ with T_l = W_l⋯W_1, so no
// extra pass over the data is needed; the within-class K×K matrix of layer l comes from projecting
// the layer-0 residuals on the rows R_l = M̃_l T_l.
import {
  etfTarget,
  gram,
  identityTarget,
  matMul,
  normalisedDistance,
  serr,
  type Rows,
} from '../core/linalg';
import { pinvProjected } from './nc1';
import type { DeepLayer } from './types';

/** Host float64 version of the layer chain (the device version is in accumulate-device.ts). */
export function hostDeepChain(
  layers: Rows[],
  Mc: Rows,
  g: Float64Array,
  classes: number[],
): DeepLayer[] {
  const M = layers.length;
  const X: Rows[] = [Mc];
  const gs: Float64Array[] = [g];
  for (let l = 1; l < M; l++) {
    X.push(gram(X[l - 1], layers[l - 1])); // X_{l-1} W_lᵀ
    gs.push(gram([gs[l - 1]], layers[l - 1])[0]);
  }
  const E: Rows[] = new Array<Rows>(M);
  E[M - 1] = classes.map((c) => Float64Array.from(layers[M - 1][c]));
  for (let l = M - 2; l >= 0; l--) E[l] = matMul(E[l + 1], layers[l]); // E_l = E_{l+1} W_{l+1}
  const out: DeepLayer[] = [];
  for (let l = 0; l < M; l++) {
    let R = X[l];
    for (let j = l - 1; j >= 0; j--) R = matMul(R, layers[j]);
    out.push({ E: E[l], Mc: X[l], g: gs[l], R });
  }
  return out;
}

export interface DeepMetrics {
  nc1: (number | null)[];
  ranks: number[];
  nc2EtfW: (number | null)[];
  nc2IdW: (number | null)[];
  nc2EtfM: (number | null)[];
  nc2IdM: (number | null)[];
  nc3WhEtf: (number | null)[];
  nc3WhId: (number | null)[];
  nc3SubUnc: (number | null)[];
  nc3SubCen: (number | null)[];
}

/** withinA[l] = M̃_l Σ_W^{(l)} M̃_lᵀ (K×K), or null when not accumulated. */
export function deepMetrics(
  layers: DeepLayer[],
  withinA: (Rows | null)[],
  rtol: number,
): DeepMetrics {
  const out: DeepMetrics = {
    nc1: [],
    ranks: [],
    nc2EtfW: [],
    nc2IdW: [],
    nc2EtfM: [],
    nc2IdM: [],
    nc3WhEtf: [],
    nc3WhId: [],
    nc3SubUnc: [],
    nc3SubCen: [],
  };
  layers.forEach((L, l) => {
    const K = L.Mc.length;
    const etf = etfTarget(K);
    const id = identityTarget(K);
    const Hbar = L.Mc.map((m) => m.map((v, j) => v + L.g[j]));
    const A = withinA[l];
    if (A) {
      const p = pinvProjected(gram(L.Mc), A, rtol);
      out.nc1.push(p.value);
      out.ranks.push(p.rank);
    } else {
      out.nc1.push(null);
      out.ranks.push(0);
    }
    out.nc2EtfW.push(serr(gram(L.E), etf));
    out.nc2IdW.push(serr(gram(L.E), id));
    out.nc2EtfM.push(serr(gram(L.Mc), etf));
    out.nc2IdM.push(serr(gram(Hbar), id));
    out.nc3WhEtf.push(serr(gram(L.E, L.Mc), etf));
    out.nc3WhId.push(serr(gram(L.E, Hbar), id));
    out.nc3SubUnc.push(normalisedDistance(L.E, Hbar));
    out.nc3SubCen.push(normalisedDistance(L.E, L.Mc));
  });
  return out;
}
