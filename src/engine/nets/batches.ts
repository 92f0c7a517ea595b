import { createRng, shuffleInPlace, type Rng } from '../core/rng';

/**
 * The order in which one epoch visits the training set: mini-batches of `batchSize` (the last,
 * partial one kept, as PyTorch's DataLoader), reshuffled every epoch from a seeded RNG or in
 * the fixed index order (seed 000's imbalanced runs).
 */
export class EpochPlan {
  readonly batchSize: number;
  readonly stepsPerEpoch: number;
  private readonly rng: Rng | null;
  private epoch = -1;
  private order: Int32Array;

  constructor(
    readonly n: number,
    batchSize: number,
    shuffle: boolean,
    seed: number,
  ) {
    if (n < 1) throw new Error('the training set is empty');
    this.batchSize = batchSize === 0 || batchSize > n ? n : batchSize;
    this.stepsPerEpoch = Math.ceil(n / this.batchSize);
    this.rng = shuffle ? createRng(`${seed}/shuffle`) : null;
    this.order = Int32Array.from({ length: n }, (_, i) => i);
  }

  /** Rows of mini-batch `b` of epoch `epoch`; epochs must be visited in order (one permutation each). */
  rows(epoch: number, b: number): Int32Array {
    while (this.epoch < epoch) {
      this.epoch++;
      if (this.rng) {
        this.order = Int32Array.from(
          shuffleInPlace(
            this.rng,
            Array.from({ length: this.n }, (_, i) => i),
          ),
        );
      }
    }
    if (epoch < this.epoch) throw new Error(`epoch ${epoch} was already left behind`);
    const start = b * this.batchSize;
    return this.order.subarray(start, Math.min(this.n, start + this.batchSize));
  }

  /** The batch sizes of one epoch (all equal but perhaps the last). */
  batchSizes(): number[] {
    return Array.from({ length: this.stepsPerEpoch }, (_, b) =>
      Math.min(this.batchSize, this.n - b * this.batchSize),
    );
  }
}

/** StepLR stepped once per epoch: lr·γ^⌊epoch / step⌋ (0-based epoch; step 0 = constant). */
export function stepLr(lr: number, gamma: number, step: number, epoch: number): number {
  return step > 0 ? lr * gamma ** Math.floor(epoch / step) : lr;
}

/** MultiStepLR: lr × γ^(number of milestones ≤ epoch), as PyTorch counts completed epochs. */
export function multiStepLr(
  lr: number,
  gamma: number,
  milestones: number[],
  epoch: number,
): number {
  return lr * gamma ** milestones.filter((m) => m <= epoch).length;
}

/**
 * About k rows to measure (seeded, ascending; all rows when k is 0 or ≥ n), drawn per class in
 * proportion to its size and with at least one row of every class present: the NC metrics need
 * a mean for each class, so a small k (even 1) still measures K rows rather than dropping classes.
 */
export function sampleRows(labels: Int32Array, k: number, seed: string): Int32Array {
  const n = labels.length;
  if (k === 0 || k >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const byClass = new Map<number, number[]>();
  labels.forEach((y, i) => {
    const rows = byClass.get(y);
    if (rows) rows.push(i);
    else byClass.set(y, [i]);
  });
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const quota = classQuotas(
    classes.map((c) => (byClass.get(c) as number[]).length),
    Math.max(k, classes.length),
  );
  const picked: number[] = [];
  classes.forEach((c, j) => {
    const rows = shuffleInPlace(createRng(`${seed}/${c}`), byClass.get(c) as number[]);
    picked.push(...rows.slice(0, quota[j]));
  });
  return Int32Array.from(picked.sort((a, b) => a - b));
}

/** Split `total` over classes of the given sizes: one each, the rest by largest remainder. */
function classQuotas(sizes: number[], total: number): number[] {
  const n = sizes.reduce((a, b) => a + b, 0);
  const extra = total - sizes.length;
  const rest = sizes.map((s) => s - 1);
  const restSum = n - sizes.length;
  const share = rest.map((r) => (restSum > 0 ? (r * extra) / restSum : 0));
  const quota = share.map((s, j) => 1 + Math.min(rest[j], Math.floor(s)));
  let left = total - quota.reduce((a, b) => a + b, 0);
  const order = share
    .map((s, j) => ({ j, frac: s - Math.floor(s) }))
    .sort((a, b) => b.frac - a.frac || a.j - b.j);
  for (let pass = 0; left > 0 && pass < 2; pass++) {
    for (const { j } of order) {
      if (left === 0) break;
      if (quota[j] < sizes[j]) {
        quota[j]++;
        left--;
      }
    }
  }
  return quota;
}
