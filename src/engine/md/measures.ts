// Memorization–dilation measures of one model state (docs/memorization-dilation.md §4,
// docs/metrics.md §2.9): everything the seed's per-epoch log has, per split. NC1–NC4 and the
// repository's md_* measures come from the metrics library (float64 host path); this module adds
// the decisions (accuracies, ECE) and the memorization / dilation distances with their scale-free
// forms (memorization.ts).
import { computeMetricsFromArrays, type MetricKey, type MetricValue } from '../metrics';
import { rowSource, toRows, type RowSource } from '../metrics/hostmatrix';
import { ece15 } from '../metrics/md';
import type { DenseMatrix, HostMatrix, MetricsResult } from '../metrics/types';
import { memorizationDilation, type MdExtraKey } from './memorization';
import { decide, splitAccuracy, type Decisions, type SplitAccuracy } from './predictions';

export type { SplitAccuracy } from './predictions';
export { MD_EXTRA_KEYS, type MdExtraKey } from './memorization';

export interface MdTrainSet {
  /** N×p penultimate features (the input of the last linear layer, eval mode) */
  features: HostMatrix;
  /** the labels trained on (noisy) */
  labels: ArrayLike<number>;
  /** the labels before noise; sample i is corrupted iff labels[i] ≠ originalLabels[i] */
  originalLabels: ArrayLike<number>;
  /** N×K logits of the model; when absent, z = W h + b */
  logits?: HostMatrix | null;
  /** 1 = trained on, 0 = held out (seed 002: the first 20 % are held out); absent = no split */
  fitMask?: ArrayLike<number | boolean> | null;
}

export interface MdTestSet {
  features: HostMatrix;
  /** true labels (no noise on the test set) */
  labels: ArrayLike<number>;
  logits?: HostMatrix | null;
}

export interface MdInput {
  K: number;
  train: MdTrainSet;
  test?: MdTestSet | null;
  /** K×p classifier (needed for NC2–NC4 and md_nc1_logits_pinv; for decisions when no logits) */
  W?: HostMatrix | null;
  b?: ArrayLike<number> | null;
  /** pseudo-inverse rank threshold passed to the metrics library */
  pinvRtol?: number;
  /**
   * The four-class (latent-class) problem: the number of original classes (2). Labels ≥ this are
   * latent copies (label = original + latentOf), every one of their samples "corrupted" by
   * construction; the clean means and the memorization / dilation measures are then per original
   * class, and the test accuracy also gets a merged form (a latent copy counts as its class).
   */
  latentOf?: number;
  /** Observer of each metrics-library pass over a block of rows (tests, scripts/reportCost.ts). */
  onLibraryPass?: (pass: MdLibraryPass) => void;
}

/** One metrics-library pass: which rows it read. */
export interface MdLibraryPass {
  /** 'train': every training row given; 'train_fit': the fitted ones; 'test': the test rows */
  block: 'train' | 'train_fit' | 'test';
  rows: number;
}

export type MdKey = MetricKey | MdExtraKey;

/** The measures of one set of training samples (the oracle's md_train_all / md_train_fit). */
export interface MdBlock {
  n_samples: number;
  n_corrupted: number;
  values: Partial<Record<MdKey, MetricValue>>;
  /** why a value is null or holds null entries */
  undefinedReasons: Partial<Record<MdKey, string>>;
}

export interface MdTestMeasures extends MdTestDecisions {
  /** per-class mean of the test features (oracle test_means) */
  class_means: number[][] | null;
  /** per class std₀ of ‖h − μ_c^test‖ (oracle test_stddevs) */
  class_dist_std: number[] | null;
}

/** The test measures of the decisions (the network's predictions) alone. */
export interface MdTestDecisions {
  n_samples: number;
  /** net accuracy against the true labels (fraction) */
  accuracy: number;
  /** four-class problem: accuracy with a prediction of a latent copy counted as its class; else null */
  accuracy_merged: number | null;
  /** 15-bin ECE against the true labels (the repo's ece_metric_test) */
  ece15: number;
}

export interface MdMeasures {
  train_all: SplitAccuracy;
  /** null without a fit mask */
  train_fit: SplitAccuracy | null;
  val_heldout: SplitAccuracy | null;
  test: MdTestMeasures | null;
  md_train_all: MdBlock;
  md_train_fit: MdBlock | null;
  /** the four-class problem's number of original classes, else null */
  latentOf: number | null;
}

/** What measureMdForReport computes: measureMd's fields that a network report shows. */
export interface MdReport {
  train_all: SplitAccuracy;
  train_fit: SplitAccuracy | null;
  val_heldout: SplitAccuracy | null;
  test: MdTestDecisions | null;
  /** the memorization / dilation keys, with only the library keys they read */
  md_train_all: MdBlock;
  latentOf: number | null;
}

/** Library keys measured on every block: NC1–NC4 and the repository's md_* (docs/metrics.md §2.9) */
export const MD_LIBRARY_KEYS: readonly MetricKey[] = [
  'counts',
  'class_means',
  'global_mean',
  'class_var',
  'trace_sigma_w',
  'trace_sigma_b',
  'nc1_pinv',
  'nc1_quotient',
  'nc1_cdnv',
  'nc2_etf_error_means',
  'nc2_etf_error_weights',
  'nc2_equinorm_cov_means',
  'nc2_equinorm_cov_weights',
  'nc3_wh_etf_error',
  'nc3_self_duality_papyan',
  'nc4_ncc_mismatch_train',
  'nc4_ncc_mismatch_test',
  'nc_bias_wmug_plus_b',
  'nc_bias_wmug_minus_b',
  'md_class_dist_var',
  'md_class_dist_std',
  'md_sigma_w_diag_kn',
  'md_nc1_logits_pinv',
  'md_uncorrupted_means',
  'md_corrupted_means',
  'md_uncorrupted_stds',
  'md_corruption_bias',
];

const TEST_LIBRARY_KEYS: readonly MetricKey[] = ['counts', 'class_means', 'md_class_dist_std'];

/**
 * The library keys the memorization / dilation measures read: the clean means, spread and
 * corruption bias, and (without corrupted samples) the class means and spread that stand in for
 * them. Each is computed exactly as within MD_LIBRARY_KEYS (pass 1 and the distances of pass 2
 * do not depend on what else is asked for), so a report's numbers are those of measureMd.
 */
const MD_REPORT_LIBRARY_KEYS: readonly MetricKey[] = [
  'counts',
  'class_means',
  'md_class_dist_std',
  'md_uncorrupted_means',
  'md_uncorrupted_stds',
  'md_corruption_bias',
];

interface Prepared {
  K: number;
  H: RowSource;
  y: Int32Array;
  yo: Int32Array;
  fit: Uint8Array | null;
  W: Float64Array[] | null;
  b: Float64Array | null;
  dec: Decisions;
  test: { H: RowSource; y: Int32Array; dec: Decisions } | null;
  latentOf: number | null;
}

export async function measureMd(input: MdInput): Promise<MdMeasures> {
  const p = prepare(input);
  const inFit = fitFilter(p);
  const full = await mdBlock(p, input, null, MD_LIBRARY_KEYS);
  return {
    ...splitAccuracies(p),
    test: p.test && input.test ? await testMeasures(p, input, input.test) : null,
    md_train_all: full,
    md_train_fit:
      inFit && p.fit!.includes(1) ? await mdBlock(p, input, inFit, MD_LIBRARY_KEYS) : null,
    latentOf: p.latentOf,
  };
}

/**
 * What a network report shows of measureMd (netMd.ts: flatten): the split accuracies, the test
 * decisions, and the memorization / dilation measures of all training rows. One library pass
 * over the training rows, for the keys those measures read; none over the test rows, whose
 * report needs only the decisions. measureMd's other blocks (NC1–NC4 again, the fitted rows'
 * block, the test class statistics) are what a report used to compute and discard.
 */
export async function measureMdForReport(input: MdInput): Promise<MdReport> {
  const p = prepare(input);
  return {
    ...splitAccuracies(p),
    test: p.test ? testDecisionMeasures(p) : null,
    md_train_all: await mdBlock(p, input, null, MD_REPORT_LIBRARY_KEYS),
    latentOf: p.latentOf,
  };
}

function fitFilter(p: Prepared): ((i: number) => boolean) | null {
  const { fit } = p;
  return fit ? (i: number) => fit[i] === 1 : null;
}

function splitAccuracies(p: Prepared): Pick<MdReport, 'train_all' | 'train_fit' | 'val_heldout'> {
  const { y, yo } = p;
  const inFit = fitFilter(p);
  return {
    train_all: splitAccuracy(p.dec.pred, y, yo)!,
    train_fit: inFit ? splitAccuracy(p.dec.pred, y, yo, inFit) : null,
    val_heldout: inFit ? splitAccuracy(p.dec.pred, y, yo, (i) => !inFit(i)) : null,
  };
}

/**
 * Library metrics (`keys`) + decisions-based ECE + memorization / dilation for the samples kept.
 * The library reads the test rows only when `keys` holds test measures.
 */
async function mdBlock(
  p: Prepared,
  input: MdInput,
  keep: ((i: number) => boolean) | null,
  keys: readonly MetricKey[],
): Promise<MdBlock> {
  const rows = keep ? indices(p.H.rows, keep) : null;
  const sub = rows ? subset(p.H, rows) : null;
  const H = sub ? rowSource(sub, 'subset') : p.H;
  const y = rows ? Int32Array.from(rows, (i) => p.y[i]) : p.y;
  const yo = rows ? Int32Array.from(rows, (i) => p.yo[i]) : p.yo;
  const withTest = keys.includes('nc4_ncc_mismatch_test');
  input.onLibraryPass?.({ block: keep ? 'train_fit' : 'train', rows: y.length });
  const lib = await computeMetricsFromArrays(
    {
      K: p.K,
      features: sub ?? input.train.features,
      labels: y,
      labelsOriginal: yo,
      W: p.W,
      b: p.b,
      testFeatures: withTest ? (input.test?.features ?? null) : null,
      testLabels: withTest ? (p.test?.y ?? null) : null,
      pinvRtol: input.pinvRtol,
    },
    keys,
  );
  const values: MdBlock['values'] = { ...lib.values };
  const undefinedReasons: MdBlock['undefinedReasons'] = { ...lib.undefinedReasons };
  const nCorrupted = y.reduce((a, v, i) => a + (v !== yo[i] ? 1 : 0), 0);
  if (nCorrupted === 0) fillCleanFromClassStats(values, undefinedReasons);

  const conf = rows ? Float64Array.from(rows, (i) => p.dec.conf[i]) : p.dec.conf;
  const pred = rows ? Int32Array.from(rows, (i) => p.dec.pred[i]) : p.dec.pred;
  values.md_ece15_train = ece15(conf, pred, y);

  const K0 = input.latentOf;
  if (K0) latentCleanStats(H, y, yo, K0, values, undefinedReasons);
  const clean = K0
    ? {
        means: values.md_uncorrupted_means as number[][] | null,
        reason: undefinedReasons.md_uncorrupted_means,
      }
    : cleanMeansOf(lib, p.K, values);
  const md = memorizationDilation({
    K: K0 ?? p.K,
    H,
    labels: y,
    originalLabels: yo,
    cleanMeans: clean.means,
    cleanStd: (values.md_uncorrupted_stds as number[] | null | undefined) ?? null,
    corruptionBias: K0
      ? null
      : ((values.md_corruption_bias as (number[] | null)[] | null | undefined) ?? null),
    reason: clean.reason,
  });
  if (K0) md.undefinedReasons.md_corruption_bias_rel = LATENT_BIAS_REASON;
  Object.assign(values, md.values);
  Object.assign(undefinedReasons, md.undefinedReasons);
  return { n_samples: y.length, n_corrupted: nCorrupted, values, undefinedReasons };
}

const LATENT_BIAS_REASON =
  'four-class problem: no sample labelled 0 or 1 belongs to another class, and a latent class holds only moved samples, so the corruption bias (corrupted samples against their own label’s mean) has nothing to compare';

/**
 * The four-class problem's clean statistics, per ORIGINAL class c < K0: the latent classes
 * (labels ≥ K0) hold only moved samples, so the library's per-label clean means are undefined
 * for them by construction. Here the clean mean of class c is the mean of the samples still
 * labelled c, and the dilation their spread around it (Nguyen et al. 2023, latent-class appendix).
 */
function latentCleanStats(
  H: RowSource,
  y: Int32Array,
  yo: Int32Array,
  K0: number,
  values: MdBlock['values'],
  reasons: MdBlock['undefinedReasons'],
): void {
  const d = H.cols;
  const sums = Array.from({ length: K0 }, () => new Float64Array(d));
  const n = new Array<number>(K0).fill(0);
  for (let i = 0; i < H.rows; i++) {
    if (y[i] !== yo[i] || yo[i] >= K0) continue;
    const h = H.row(i);
    for (let j = 0; j < d; j++) sums[yo[i]][j] += h[j];
    n[yo[i]]++;
  }
  const empty = n.findIndex((c) => c === 0);
  if (empty >= 0) {
    const why = `four-class problem: original class ${empty} has no sample left with its own label (all were moved to its latent copy)`;
    values.md_uncorrupted_means = values.md_uncorrupted_stds = null;
    reasons.md_uncorrupted_means = reasons.md_uncorrupted_stds = why;
    return;
  }
  const means = sums.map((s, c) => Array.from(s, (v) => v / n[c]));
  const dist: number[][] = means.map(() => []);
  for (let i = 0; i < H.rows; i++) {
    if (y[i] !== yo[i] || yo[i] >= K0) continue;
    const h = H.row(i);
    const m = means[yo[i]];
    let q = 0;
    for (let j = 0; j < d; j++) q += (h[j] - m[j]) ** 2;
    dist[yo[i]].push(Math.sqrt(q));
  }
  const std = dist.map((v) => {
    const mean = v.reduce((a, x) => a + x, 0) / v.length;
    return Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / v.length);
  });
  values.md_uncorrupted_means = means;
  values.md_uncorrupted_stds = std;
  delete reasons.md_uncorrupted_means;
  delete reasons.md_uncorrupted_stds;
  values.md_corruption_bias = null;
  reasons.md_corruption_bias = LATENT_BIAS_REASON;
}

/**
 * Without corrupted samples every sample is clean: the clean means and spread are the class means
 * and md_class_dist_std (the library reports them only when labels and original labels differ).
 */
function fillCleanFromClassStats(
  values: MdBlock['values'],
  reasons: MdBlock['undefinedReasons'],
): void {
  for (const [clean, all] of [
    ['md_uncorrupted_means', 'class_means'],
    ['md_uncorrupted_stds', 'md_class_dist_std'],
  ] as const) {
    if (values[all] !== null && values[all] !== undefined) {
      values[clean] = values[all];
      delete reasons[clean];
    }
  }
}

/** Clean means for all K classes, or why they are unavailable. */
function cleanMeansOf(
  lib: MetricsResult,
  K: number,
  values: MdBlock['values'],
): { means: number[][] | null; reason?: string } {
  const empty = lib.diagnostics.counts.findIndex((n) => n === 0);
  if (empty >= 0)
    return { means: null, reason: `class ${empty} has no sample in this set (K = ${K})` };
  const m = values.md_uncorrupted_means as number[][] | null | undefined;
  if (!m) return { means: null, reason: lib.undefinedReasons.md_uncorrupted_means };
  return { means: m };
}

async function testMeasures(p: Prepared, input: MdInput, set: MdTestSet): Promise<MdTestMeasures> {
  input.onLibraryPass?.({ block: 'test', rows: p.test!.y.length });
  const lib = await computeMetricsFromArrays(
    { K: p.K, features: set.features, labels: p.test!.y },
    TEST_LIBRARY_KEYS,
  );
  return {
    ...testDecisionMeasures(p),
    class_means: (lib.values.class_means as number[][] | null) ?? null,
    class_dist_std: (lib.values.md_class_dist_std as number[] | null) ?? null,
  };
}

/** The test measures that come from the decisions alone (no pass over the features). */
function testDecisionMeasures(p: Prepared): MdTestDecisions {
  const t = p.test!;
  let hit = 0;
  let merged = 0;
  const K0 = p.latentOf;
  for (let i = 0; i < t.y.length; i++) {
    if (t.dec.pred[i] === t.y[i]) hit++;
    if (K0 && t.dec.pred[i] % K0 === t.y[i]) merged++;
  }
  return {
    n_samples: t.y.length,
    accuracy: hit / t.y.length,
    accuracy_merged: K0 ? merged / t.y.length : null,
    ece15: ece15(t.dec.conf, t.dec.pred, t.y),
  };
}

// ------------------------------------------------------------------------------- input checks

function prepare(input: MdInput): Prepared {
  const { K } = input;
  if (!Number.isInteger(K) || K < 2) throw new Error(`K must be an integer ≥ 2, got ${K}`);
  const H = rowSource(input.train.features, 'train.features');
  const N = H.rows;
  const d = H.cols;
  if (N < 1 || d < 1) throw new Error(`train.features must be non-empty, got ${N}×${d}`);
  const y = labelsOf(input.train.labels, N, K, 'train.labels');
  const yo = labelsOf(input.train.originalLabels, N, K, 'train.originalLabels');
  const fit = input.train.fitMask ? maskOf(input.train.fitMask, N) : null;
  const W = input.W ? toRows(input.W, 'W') : null;
  if (W && (W.length !== K || W.some((r) => r.length !== d)))
    throw new Error(`W must be K×p = ${K}×${d}, got ${W.length}×${W[0]?.length ?? 0}`);
  const b = input.b ? Float64Array.from(input.b) : null;
  if (b && b.length !== K) throw new Error(`b must have length K = ${K}, got ${b.length}`);
  if (b && !W) throw new Error('b given without W');
  const logitsOf = (m: HostMatrix | null | undefined, rows: number, what: string) => {
    if (!m) {
      if (!W) throw new Error(`${what} missing: give the logits or the classifier W`);
      return null;
    }
    const L = rowSource(m, what);
    if (L.rows !== rows || L.cols !== K)
      throw new Error(`${what} must be ${rows}×${K}, got ${L.rows}×${L.cols}`);
    return L;
  };
  const dec = decide(logitsOf(input.train.logits, N, 'train.logits'), H, W, b);
  let test: Prepared['test'] = null;
  if (input.test) {
    const tH = rowSource(input.test.features, 'test.features');
    if (tH.cols !== d)
      throw new Error(`test.features has ${tH.cols} columns, train.features has ${d}`);
    const ty = labelsOf(input.test.labels, tH.rows, K, 'test.labels');
    test = {
      H: tH,
      y: ty,
      dec: decide(logitsOf(input.test.logits, tH.rows, 'test.logits'), tH, W, b),
    };
  }
  const latentOf = input.latentOf ?? null;
  if (latentOf !== null && !(Number.isInteger(latentOf) && latentOf >= 2 && 2 * latentOf === K))
    throw new Error(`latentOf must be half of K = ${K} (the original classes), got ${latentOf}`);
  return { K, H, y, yo, fit, W, b, dec, test, latentOf };
}

function labelsOf(v: ArrayLike<number>, N: number, K: number, what: string): Int32Array {
  if (!v || v.length !== N) throw new Error(`${what} has length ${v?.length}, expected ${N}`);
  const out = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    if (!Number.isInteger(v[i]) || v[i] < 0 || v[i] >= K)
      throw new Error(`${what}[${i}] = ${v[i]} is not a label in 0..${K - 1}`);
    out[i] = v[i];
  }
  return out;
}

function maskOf(v: ArrayLike<number | boolean>, N: number): Uint8Array {
  if (v.length !== N) throw new Error(`train.fitMask has length ${v.length}, expected ${N}`);
  const out = new Uint8Array(N);
  for (let i = 0; i < N; i++) {
    const x = v[i];
    if (x === 1 || x === true) out[i] = 1;
    else if (x !== 0 && x !== false)
      throw new Error(`train.fitMask[${i}] = ${String(x)} is not 0/1 or a boolean`);
  }
  return out;
}

// ------------------------------------------------------------------------------- row subsets

function indices(N: number, keep: (i: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < N; i++) if (keep(i)) out.push(i);
  return out;
}

function subset(H: RowSource, rows: number[]): DenseMatrix {
  const d = H.cols;
  const data = new Float64Array(rows.length * d);
  rows.forEach((r, k) => data.set(H.row(r), k * d));
  return { rows: rows.length, cols: d, data };
}
