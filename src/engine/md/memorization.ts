// Memorization and dilation (docs/memorization-dilation.md §4.2): the distances of samples to the
// clean mean of their ORIGINAL class. The metrics library gives the clean means and the clean
// spread (md_uncorrupted_means, md_uncorrupted_stds); what it lacks is the mean distance of
// corrupted samples (memorization), the mean distance of clean samples, and the scale-free forms.
import type { RowSource } from '../metrics/hostmatrix';

/** The keys this module adds to docs/metrics.md §2.9 (per class c unless named …_avg). */
export const MD_EXTRA_KEYS = [
  'md_n_corrupted',
  'md_memorization_sum',
  'md_memorization',
  'md_memorization_rel',
  'md_dilation',
  'md_dilation_rel',
  'md_dilation_mean_dist',
  'md_dilation_mean_dist_rel',
  'md_ratio_mean_dist',
  'md_clean_mean_separation',
  'md_corruption_bias_rel',
  'md_memorization_avg',
  'md_memorization_rel_avg',
  'md_dilation_avg',
  'md_dilation_rel_avg',
] as const;

export type MdExtraKey = (typeof MD_EXTRA_KEYS)[number];

export type MdExtraValue = number | (number | null)[] | (number[] | null)[] | number[][] | null;

export interface MemorizationInput {
  K: number;
  H: RowSource;
  /** observed (possibly noisy) labels */
  labels: Int32Array;
  /** original labels; a sample is corrupted iff they differ */
  originalLabels: Int32Array;
  /** clean-sample mean of each class 0..K−1 (null when unavailable, with `reason`) */
  cleanMeans: number[][] | null;
  /** population std of the clean distances per class (md_uncorrupted_stds) */
  cleanStd: number[] | null;
  /** md_corruption_bias (K × (K−1)) or null; a row is null for a class without corrupted samples */
  corruptionBias: (number[] | null)[] | null;
  /** why cleanMeans is null */
  reason?: string;
}

export interface MemorizationResult {
  values: Partial<Record<MdExtraKey, MdExtraValue>>;
  undefinedReasons: Partial<Record<MdExtraKey, string>>;
}

/**
 * Mean over unordered pairs of ‖μᶜˡ_c − μᶜˡ_c'‖: for K = 2 the distance between the two clean
 * class means, the scale the seed's relative forms divide by.
 */
export function cleanMeanSeparation(cleanMeans: number[][]): number {
  let s = 0;
  let pairs = 0;
  for (let a = 0; a < cleanMeans.length; a++) {
    for (let b = a + 1; b < cleanMeans.length; b++) {
      let q = 0;
      for (let j = 0; j < cleanMeans[a].length; j++) {
        const t = cleanMeans[a][j] - cleanMeans[b][j];
        q += t * t;
      }
      s += Math.sqrt(q);
      pairs++;
    }
  }
  return pairs > 0 ? s / pairs : NaN;
}

/** Per original class: sums and counts of ‖h_i − μᶜˡ_{y_orig,i}‖ for corrupted and clean samples. */
export function cleanDistanceSums(
  H: RowSource,
  labels: Int32Array,
  originalLabels: Int32Array,
  cleanMeans: number[][],
): { nCorrupted: number[]; corruptedSum: number[]; nClean: number[]; cleanSum: number[] } {
  const K = cleanMeans.length;
  const out = {
    nCorrupted: new Array<number>(K).fill(0),
    corruptedSum: new Array<number>(K).fill(0),
    nClean: new Array<number>(K).fill(0),
    cleanSum: new Array<number>(K).fill(0),
  };
  for (let i = 0; i < H.rows; i++) {
    const c = originalLabels[i];
    const h = H.row(i);
    const m = cleanMeans[c];
    let q = 0;
    for (let j = 0; j < h.length; j++) {
      const t = h[j] - m[j];
      q += t * t;
    }
    if (labels[i] !== c) {
      out.nCorrupted[c]++;
      out.corruptedSum[c] += Math.sqrt(q);
    } else {
      out.nClean[c]++;
      out.cleanSum[c] += Math.sqrt(q);
    }
  }
  return out;
}

const ratio = (a: number | null, b: number | null): number | null =>
  a === null || b === null || !(b > 0) ? null : a / b;

/** mean of the defined entries, or null when there is none */
function average(v: (number | null)[]): number | null {
  const ok = v.filter((x): x is number => x !== null);
  return ok.length > 0 ? ok.reduce((a, x) => a + x, 0) / ok.length : null;
}

/** Every MD_EXTRA_KEYS value for one set of training samples. */
export function memorizationDilation(inp: MemorizationInput): MemorizationResult {
  const { K } = inp;
  const res: MemorizationResult = { values: {}, undefinedReasons: {} };
  const put = (k: MdExtraKey, v: MdExtraValue, reason: string) => {
    const empty = v === null || (Array.isArray(v) && v.every((x) => x === null));
    res.values[k] = empty ? null : v;
    if (empty || (Array.isArray(v) && v.some((x) => x === null))) res.undefinedReasons[k] = reason;
  };
  const nCorrupted = new Array<number>(K).fill(0);
  for (let i = 0; i < inp.labels.length; i++)
    if (inp.labels[i] !== inp.originalLabels[i]) nCorrupted[inp.originalLabels[i]]++;
  res.values.md_n_corrupted = nCorrupted;
  if (!inp.cleanMeans) {
    const why = inp.reason ?? 'clean class means unavailable';
    for (const k of MD_EXTRA_KEYS) if (k !== 'md_n_corrupted') put(k, null, why);
    return res;
  }
  const s = cleanDistanceSums(inp.H, inp.labels, inp.originalLabels, inp.cleanMeans);
  const noCorr = 'no corrupted sample of this original class';
  const memSum = s.corruptedSum.map((v, c) => (s.nCorrupted[c] > 0 ? v : null));
  const mem = s.corruptedSum.map((v, c) => (s.nCorrupted[c] > 0 ? v / s.nCorrupted[c] : null));
  const dilMean = s.cleanSum.map((v, c) => (s.nClean[c] > 0 ? v / s.nClean[c] : null));
  const dil: (number | null)[] = inp.cleanStd ? inp.cleanStd.slice() : new Array(K).fill(null);
  const sepRaw = cleanMeanSeparation(inp.cleanMeans);
  const sep = sepRaw > 0 ? sepRaw : null;
  const noSep = 'the clean class means coincide: no scale to divide by';
  const rel = (v: (number | null)[]) => v.map((x) => ratio(x, sep));

  put('md_memorization_sum', memSum, noCorr);
  put('md_memorization', mem, noCorr);
  put('md_memorization_rel', rel(mem), sep === null ? noSep : noCorr);
  put('md_dilation', dil, 'clean spread unavailable');
  put('md_dilation_rel', rel(dil), noSep);
  put('md_dilation_mean_dist', dilMean, 'no clean sample of this class');
  put('md_dilation_mean_dist_rel', rel(dilMean), noSep);
  put(
    'md_ratio_mean_dist',
    mem.map((m, c) => ratio(m, dilMean[c])),
    'no corrupted sample, or the clean samples sit exactly on their mean',
  );
  put('md_clean_mean_separation', sep, noSep);
  put(
    'md_corruption_bias_rel',
    inp.corruptionBias && sep !== null
      ? inp.corruptionBias.map((row) => (row ? row.map((v) => v / sep) : null))
      : null,
    sep === null ? noSep : 'md_corruption_bias is undefined',
  );
  put('md_memorization_avg', average(mem), noCorr);
  put('md_memorization_rel_avg', average(rel(mem)), sep === null ? noSep : noCorr);
  put('md_dilation_avg', average(dil), 'clean spread unavailable');
  put('md_dilation_rel_avg', average(rel(dil)), noSep);
  return res;
}
