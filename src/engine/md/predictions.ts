// The classifier's decisions on each sample and the accuracies of the seed's per-epoch log
// (train_all / train_fit / val_heldout): against the noisy and the original labels, on the
// corrupted samples (fitted = predicted as the noisy label, i.e. memorised) and on the clean ones.
import type { RowSource } from '../metrics/hostmatrix';

export interface Decisions {
  /** argmax of the logits (ties to the lowest index, as numpy / torch) */
  pred: Int32Array;
  /** max softmax probability, float64 */
  conf: Float64Array;
}

/** Decisions from stored logits (N×K) or from z = W h + b. */
export function decide(
  logits: RowSource | null,
  H: RowSource,
  W: Float64Array[] | null,
  b: Float64Array | null,
): Decisions {
  const N = H.rows;
  const pred = new Int32Array(N);
  const conf = new Float64Array(N);
  if (!logits && !W) throw new Error('need logits or the classifier W to make decisions');
  const K = logits ? logits.cols : W!.length;
  const z = new Float64Array(K);
  for (let i = 0; i < N; i++) {
    if (logits) z.set(logits.row(i));
    else {
      const h = H.row(i);
      for (let c = 0; c < K; c++) {
        let s = b ? b[c] : 0;
        const w = W![c];
        for (let j = 0; j < h.length; j++) s += w[j] * h[j];
        z[c] = s;
      }
    }
    let best = 0;
    for (let c = 1; c < K; c++) if (z[c] > z[best]) best = c;
    let den = 0;
    for (let c = 0; c < K; c++) den += Math.exp(z[c] - z[best]);
    pred[i] = best;
    conf[i] = 1 / den;
  }
  return { pred, conf };
}

/** Fractions in [0, 1] (the oracle logs percentages). */
export interface SplitAccuracy {
  n_samples: number;
  n_corrupted: number;
  /** predicted = observed (noisy) label */
  accuracy_noisy: number;
  /** predicted = original label */
  accuracy_original: number;
  /** corrupted samples predicted as their noisy label: the share of noisy labels fitted */
  corrupted_fit_noisy: number | null;
  /** corrupted samples predicted as their original label */
  corrupted_pred_original: number | null;
  /** clean samples predicted correctly */
  clean_accuracy: number | null;
}

export function splitAccuracy(
  pred: Int32Array,
  labels: Int32Array,
  originalLabels: Int32Array,
  keep: (i: number) => boolean = () => true,
): SplitAccuracy | null {
  let n = 0;
  let nCorr = 0;
  let hitNoisy = 0;
  let hitOrig = 0;
  let corrNoisy = 0;
  let corrOrig = 0;
  let cleanHit = 0;
  for (let i = 0; i < pred.length; i++) {
    if (!keep(i)) continue;
    n++;
    const p = pred[i];
    const corrupted = labels[i] !== originalLabels[i];
    if (p === labels[i]) hitNoisy++;
    if (p === originalLabels[i]) hitOrig++;
    if (corrupted) {
      nCorr++;
      if (p === labels[i]) corrNoisy++;
      if (p === originalLabels[i]) corrOrig++;
    } else if (p === labels[i]) cleanHit++;
  }
  if (n === 0) return null;
  const nClean = n - nCorr;
  return {
    n_samples: n,
    n_corrupted: nCorr,
    accuracy_noisy: hitNoisy / n,
    accuracy_original: hitOrig / n,
    corrupted_fit_noisy: nCorr > 0 ? corrNoisy / nCorr : null,
    corrupted_pred_original: nCorr > 0 ? corrOrig / nCorr : null,
    clean_accuracy: nClean > 0 ? cleanHit / nClean : null,
  };
}
