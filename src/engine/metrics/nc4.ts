// NC4: agreement of the network's decisions with the nearest-class-centre rule
// (docs/metrics.md §2.4).
import type { Decisions } from './types';

export interface DecisionRates {
  mismatch: number | null;
  nccAccuracy: number;
  netAccuracy: number | null;
  agreementNoBias: number | null;
}

/** Exact rates (counts / N) of the per-sample decisions against the labels. */
export function decisionRates(dec: Decisions, labels: Int32Array): DecisionRates {
  const N = labels.length;
  let ncc = 0;
  let net = 0;
  let mis = 0;
  let agree = 0;
  for (let i = 0; i < N; i++) {
    if (dec.ncc[i] === labels[i]) ncc++;
    if (dec.net) {
      if (dec.net[i] === labels[i]) net++;
      if (dec.net[i] !== dec.ncc[i]) mis++;
    }
    if (dec.nobias && dec.nobias[i] === dec.ncc[i]) agree++;
  }
  return {
    mismatch: dec.net ? mis / N : null,
    nccAccuracy: ncc / N,
    netAccuracy: dec.net ? net / N : null,
    agreementNoBias: dec.nobias ? agree / N : null,
  };
}
