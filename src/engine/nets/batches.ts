import { createRng, shuffleInPlace, type Rng } from '../rng';

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

/** k rows of 0..n−1 without replacement (seeded, ascending); all rows when k is 0 or ≥ n. */
export function sampleRows(n: number, k: number, seed: string): Int32Array {
  if (k === 0 || k >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const picked = shuffleInPlace(
    createRng(seed),
    Array.from({ length: n }, (_, i) => i),
  ).slice(0, k);
  return Int32Array.from(picked.sort((a, b) => a - b));
}
