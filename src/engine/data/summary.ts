import type { Dataset, PreparedData, PreparedSplit } from './types';

/** What `npm run dataset -- info` prints and the UI shows: counts, shapes, ranges, notes. */
export interface DatasetSummary {
  name: string;
  classes: string[];
  /** Stored sample shape: [H, W, C] bytes or [D] floats. */
  storedShape: number[];
  splitNote: string;
  train: { n: number; perClass: number[] };
  test: { n: number; perClass: number[] };
  prepared: {
    K: number;
    classes: string[];
    inputForm: 'flat' | 'image';
    inputShape: number[];
    valueRange: [number, number];
    train: SplitCounts;
    val: SplitCounts;
    test: SplitCounts;
    notes: string[];
  };
}

interface SplitCounts {
  n: number;
  /** Per class of the labels trained on (noisy where noise was applied). */
  perClass: number[];
  /** Samples whose label differs from the original. */
  changed: number;
}

export function countPerClass(labels: ArrayLike<number>, K: number): number[] {
  const counts = new Array<number>(K).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

function splitCounts(s: PreparedSplit, K: number): SplitCounts {
  let changed = 0;
  for (let i = 0; i < s.n; i++) if (s.labels[i] !== s.originalLabels[i]) changed++;
  return { n: s.n, perClass: countPerClass(s.labels, K), changed };
}

export type StoredSummary = Omit<DatasetSummary, 'prepared'>;

/** What is stored, before any preparation: counts per class, shapes, the split note. */
export function summarizeStored(dataset: Dataset): StoredSummary {
  const K = dataset.classes.length;
  return {
    name: dataset.name,
    classes: dataset.classes,
    storedShape: dataset.kind === 'images' ? dataset.shape : [dataset.dim],
    splitNote: dataset.splitNote,
    train: { n: dataset.train.labels.length, perClass: countPerClass(dataset.train.labels, K) },
    test: { n: dataset.test.labels.length, perClass: countPerClass(dataset.test.labels, K) },
  };
}

export function summarize(dataset: Dataset, prepared: PreparedData): DatasetSummary {
  return {
    ...summarizeStored(dataset),
    prepared: {
      K: prepared.K,
      classes: prepared.classes,
      inputForm: prepared.inputForm,
      inputShape: prepared.inputShape,
      valueRange: prepared.valueRange(),
      train: splitCounts(prepared.train, prepared.K),
      val: splitCounts(prepared.val, prepared.K),
      test: splitCounts(prepared.test, prepared.K),
      notes: prepared.notes,
    },
  };
}
