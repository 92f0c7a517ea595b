// The epoch-level rules of a network run: the learning rate of each epoch (StepLR or MultiStepLR,
// PyTorch's schedulers stepped once per epoch) and early stopping by patience on the epoch-mean
// training loss. The trainer takes the steps; this decides the rate they use and when to stop.
import * as tf from '@tensorflow/tfjs-core';
import type { NetConfig } from '../config/schema';
import type { NetSessionState } from '../session/checkpoint';
import { multiStepLr, stepLr } from './batches';

export type ScheduleSettings = Pick<
  NetConfig,
  'lr' | 'lrGamma' | 'lrStep' | 'lrMilestones' | 'patience'
>;

/** Learning rate of a 0-based epoch: MultiStepLR when milestones are given, else StepLR. */
export function learningRateAt(s: ScheduleSettings, epoch: number): number {
  return s.lrMilestones.length
    ? multiStepLr(s.lr, s.lrGamma, s.lrMilestones, epoch)
    : stepLr(s.lr, s.lrGamma, s.lrStep, epoch);
}

export type PatienceState = NetSessionState['patience'];

/**
 * Early stopping: the run stops once the epoch-mean training loss has not improved on its best
 * for `patience` epochs in a row (a tie is no improvement).
 */
export class Patience {
  private best = Infinity;
  private epochsSinceBest = 0;
  private stopped = false;

  constructor(readonly patience: number) {
    if (!(Number.isInteger(patience) && patience >= 1)) {
      throw new Error(`patience must be a whole number of epochs ≥ 1, got ${patience}`);
    }
  }

  get stoppedEarly(): boolean {
    return this.stopped;
  }

  /** Record a finished epoch's mean loss; true once the run should stop. */
  endEpoch(meanLoss: number): boolean {
    if (meanLoss < this.best) {
      this.best = meanLoss;
      this.epochsSinceBest = 0;
    } else if (++this.epochsSinceBest >= this.patience) {
      this.stopped = true;
    }
    return this.stopped;
  }

  /** The state a checkpoint keeps (the epoch's partial loss sum is the caller's). */
  capture(epochLossSum: number | null): PatienceState {
    return {
      best: Number.isFinite(this.best) ? this.best : null,
      epochsSinceBest: this.epochsSinceBest,
      epochLossSum,
      stoppedEarly: this.stopped,
    };
  }

  restore(state: PatienceState): void {
    this.best = state.best ?? Infinity;
    this.epochsSinceBest = state.epochsSinceBest;
    this.stopped = state.stoppedEarly;
  }
}

/** What the schedule needs of the epoch plan. */
export interface EpochShape {
  /** training samples per epoch */
  n: number;
  stepsPerEpoch: number;
  /** size of mini-batch b of an epoch */
  batchSize(b: number): number;
}

/**
 * The schedule of one run: sets each epoch's learning rate on the optimiser (through its public
 * setLearningRate) and, with patience, sums the epoch's loss on the device (one read-back per
 * epoch, none per step) and stops the run when patience runs out.
 */
export class TrainingSchedule {
  private readonly patience: Patience | null;
  /** Σ over the current epoch of batch loss × batch size (only with patience). */
  private epochLossSum: tf.Scalar | null = null;

  constructor(
    private readonly settings: ScheduleSettings,
    private readonly optimizer: { setLearningRate(lr: number): void },
    private readonly epochs: EpochShape,
  ) {
    this.patience = settings.patience > 0 ? new Patience(settings.patience) : null;
  }

  /** Learning rate of the epoch that step `step` (0-based) belongs to. */
  lrAt(step: number): number {
    return learningRateAt(this.settings, Math.floor(step / this.epochs.stepsPerEpoch));
  }

  /** Give the optimiser the learning rate of step `step`'s epoch. */
  applyLearningRate(step: number): void {
    this.optimizer.setLearningRate(this.lrAt(step));
  }

  /** Before step `step`: a new epoch starts with its own learning rate. */
  beforeStep(step: number): void {
    if (step % this.epochs.stepsPerEpoch === 0) this.applyLearningRate(step);
  }

  /**
   * After step `step` (0-based), whose [total, …] loss terms are `terms`: with patience, add its
   * loss to the epoch's sum, and at the epoch's end decide whether to stop.
   */
  async afterStep(step: number, terms: tf.Tensor1D): Promise<void> {
    if (!this.patience) return;
    const b = step % this.epochs.stepsPerEpoch;
    const add = tf.tidy(
      () =>
        tf.mul(tf.reshape(tf.slice(terms, [0], [1]), []), this.epochs.batchSize(b)) as tf.Scalar,
    );
    if (this.epochLossSum) {
      const sum = tf.add(this.epochLossSum, add) as tf.Scalar;
      tf.dispose([this.epochLossSum, add]);
      this.epochLossSum = sum;
    } else this.epochLossSum = add;
    if (b === this.epochs.stepsPerEpoch - 1) await this.endEpoch();
  }

  get stoppedEarly(): boolean {
    return this.patience?.stoppedEarly ?? false;
  }

  private async endEpoch(): Promise<void> {
    const sum = this.epochLossSum;
    this.epochLossSum = null;
    if (!sum) return;
    const mean = (await sum.data())[0] / this.epochs.n;
    sum.dispose();
    this.patience?.endEpoch(mean);
  }

  async capture(): Promise<PatienceState> {
    const sum = this.epochLossSum ? (await this.epochLossSum.data())[0] : null;
    return this.patience ? this.patience.capture(sum) : NO_PATIENCE;
  }

  /** Continue at step `step` with a checkpoint's patience state. */
  restore(state: PatienceState, step: number): void {
    this.patience?.restore(state);
    this.epochLossSum?.dispose();
    this.epochLossSum = state.epochLossSum === null ? null : tf.scalar(state.epochLossSum);
    this.applyLearningRate(step);
  }

  dispose(): void {
    this.epochLossSum?.dispose();
    this.epochLossSum = null;
  }
}

/** What a run without patience checkpoints (as it always has). */
const NO_PATIENCE: PatienceState = {
  best: null,
  epochsSinceBest: 0,
  epochLossSum: null,
  stoppedEarly: false,
};
