// Memorization–dilation measures of a network run at one report, flattened into report metrics:
// the penultimate features of the measured training rows (fit and held-out) and test rows go
// through measureMdForReport (what a report shows of measureMd, computed once), and each split's
// accuracies and the md_train_all block become scalar keys.
import type { MetricValue } from '../metrics';
import { splitKey, type Split, type SplitField } from '../metrics/reportKeys';
import type { MetricsRecord, UndefinedReasons } from '../session/types';
import {
  MD_EXTRA_KEYS,
  measureMdForReport,
  type MdInput,
  type MdMeasures,
  type MdReport,
  type SplitAccuracy,
} from './measures';

export interface NetMdSplit {
  /** rows × dim float32 penultimate features (eval mode) */
  features: Float32Array;
  labels: Int32Array;
  /** labels before noise (equal to `labels` on the test split) */
  originalLabels: Int32Array;
}

export interface NetMdInput {
  K: number;
  dim: number;
  train: NetMdSplit;
  /** held-out rows of the stored training set (seed 002's first 20 %), or null */
  val: NetMdSplit | null;
  test: NetMdSplit | null;
  /** K × dim product of the head */
  W: number[][];
  b: number[] | null;
  /** the four-class problem: number of original classes (labels ≥ it are latent copies) */
  latentOf?: number;
  onLibraryPass?: MdInput['onLibraryPass'];
}

/** The split accuracy fields as report keys (fractions; null where undefined). */
const ACCURACY_KEYS: [keyof SplitAccuracy, SplitField][] = [
  ['accuracy_noisy', 'acc_noisy'],
  ['accuracy_original', 'acc_original'],
  ['corrupted_fit_noisy', 'noisy_fitted'],
  ['corrupted_pred_original', 'corrupted_pred_original'],
  ['clean_accuracy', 'clean_acc'],
];

export async function measureNetMd(
  input: NetMdInput,
): Promise<{ values: MetricsRecord; reasons: UndefinedReasons }> {
  return flatten(await measureMdForReport(toMdInput(input)));
}

/** The measureMd input of a report: the held-out rows follow the fitted ones, masked out. */
export function toMdInput(input: NetMdInput): MdInput {
  const { K, dim, train, val } = input;
  const all = val ? concatSplits(train, val) : train;
  const n = train.labels.length;
  return {
    K,
    train: {
      features: { rows: all.labels.length, cols: dim, data: all.features },
      labels: all.labels,
      originalLabels: all.originalLabels,
      fitMask: val ? Uint8Array.from(all.labels, (_, i) => (i < n ? 1 : 0)) : null,
    },
    test: input.test
      ? {
          features: { rows: input.test.labels.length, cols: dim, data: input.test.features },
          labels: input.test.labels,
        }
      : null,
    W: input.W,
    b: input.b,
    latentOf: input.latentOf,
    onLibraryPass: input.onLibraryPass,
  };
}

const LATENT_CLEAN_KEYS = [
  'md_uncorrupted_means',
  'md_uncorrupted_stds',
  'md_corruption_bias',
] as const;

/**
 * md_train_all's extra keys as they are, split accuracies as md_<field>_<split> (of a report, or
 * of measureMd's full measures, which hold the same fields and more).
 */
export function flatten(m: MdReport | MdMeasures): {
  values: MetricsRecord;
  reasons: UndefinedReasons;
} {
  const values: MetricsRecord = {};
  const reasons: UndefinedReasons = {};
  const block = m.md_train_all;
  for (const key of MD_EXTRA_KEYS) {
    values[key] = (block.values[key] ?? null) as MetricValue;
    const reason = block.undefinedReasons[key];
    if (reason) reasons[key] = reason;
  }
  // The four-class problem's clean statistics are per original class (measures.ts); they replace
  // the per-label ones, which are undefined for the latent classes by construction.
  if (m.latentOf !== null) {
    for (const key of LATENT_CLEAN_KEYS) {
      values[key] = (block.values[key] ?? null) as MetricValue;
      const reason = block.undefinedReasons[key];
      if (reason) reasons[key] = reason;
    }
  }
  const splits: [Split, SplitAccuracy | null][] = [
    ['train', m.train_fit ?? m.train_all],
    ['val', m.val_heldout],
  ];
  for (const [split, acc] of splits) {
    if (!acc) continue;
    for (const [field, name] of ACCURACY_KEYS) values[splitKey(name, split)] = acc[field];
  }
  values.md_test_accuracy = m.test ? m.test.accuracy : null;
  values.md_test_ece15 = m.test ? m.test.ece15 : null;
  if (!m.test) reasons.md_test_accuracy = reasons.md_test_ece15 = 'no test samples';
  if (m.test?.accuracy_merged != null) values.md_test_accuracy_merged = m.test.accuracy_merged;
  return { values, reasons };
}

function concatSplits(a: NetMdSplit, b: NetMdSplit): NetMdSplit {
  const join = <T extends Float32Array | Int32Array>(x: T, y: T, make: (n: number) => T): T => {
    const out = make(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  return {
    features: join(a.features, b.features, (n) => new Float32Array(n)),
    labels: join(a.labels, b.labels, (n) => new Int32Array(n)),
    originalLabels: join(a.originalLabels, b.originalLabels, (n) => new Int32Array(n)),
  };
}
