// One optimiser step of a network run: the batch of the step (seeded order, optional
// augmentation), the objective (data loss and decay terms) and the update (the optimiser adds
// torch's coupled L2 when the decay is not separate: session.ts; with sepDecay, the head
// weights' decay gradient). It keeps the loss terms of the last step for the report.
import * as tf from '@tensorflow/tfjs-core';
import type { NetConfig } from '../config/schema';
import { DATASET_NORMALIZATION, normalizationTable } from '../data/normalization';
import type { PreparedData } from '../data/types';
import { augmentBatch, drawAugmentation } from './augment';
import type { EpochPlan } from './batches';
import type { ConvMode } from './conv';
import type { SplitFeeder } from './feeder';
import type { ForwardMode } from './layers';
import { dataLoss, type LossSpec } from './losses';
import type { NetModel } from './model';
import { addMany } from '../core/addMany';
import { applyWithDecay, createNetOptimizer, type ScheduledOptimizer } from '../core/optimizer';
import type { ParamStore } from './params';
import { scaledSquaredNorm } from './squaredNorm';

/**
 * A network run's optimiser: torch's coupled L2 on every parameter (BN and biases too), unless
 * the decay is separate (sepDecay: the objective's decay terms instead).
 */
export function createNetRunOptimizer(config: NetConfig): ScheduledOptimizer {
  return createNetOptimizer(config, config.sepDecay ? 0 : config.weightDecay);
}

/**
 * One update of a network's parameters from their gradients, as a step makes it: with sepDecay
 * the head weights' decay gradient wd·W is added here (the objective's weight term is computed
 * off the tape), else the optimiser adds its coupled L2.
 */
export function applyNetUpdate(
  optimizer: tf.Optimizer,
  store: ParamStore,
  config: NetConfig,
  grads: { name: string; tensor: tf.Tensor }[],
): void {
  if (config.sepDecay) applyWithDecay(optimizer, grads, store.headWeightDecay(config.weightDecay));
  else optimizer.applyGradients(grads);
}

/** The objective of one batch and its terms (scalars; call inside tf.tidy). */
export interface ObjectiveTerms {
  total: tf.Scalar;
  data: tf.Scalar;
  wd: tf.Scalar;
  fd: tf.Scalar;
}

/** What a trainer works with (all owned by the session). */
export interface TrainerParts {
  config: NetConfig;
  data: PreparedData;
  model: NetModel;
  plan: EpochPlan;
  /** the training split's feeder */
  feeder: SplitFeeder;
  loss: LossSpec;
  conv: ConvMode;
  optimizer: tf.Optimizer;
}

export class NetTrainer {
  /** [total, data, weight decay, feature decay] of the last step (pre-step, train mode). */
  private lastTerms: tf.Tensor1D | null = null;
  private readonly config: NetConfig;
  private readonly model: NetModel;
  private readonly plan: EpochPlan;
  private readonly feeder: SplitFeeder;

  constructor(private readonly parts: TrainerParts) {
    this.config = parts.config;
    this.model = parts.model;
    this.plan = parts.plan;
    this.feeder = parts.feeder;
  }

  /**
   * Take step `step` (0-based: epoch ⌊step / stepsPerEpoch⌋, its batch in that epoch's order)
   * with the optimiser's current learning rate; returns (and keeps) its loss terms, computed
   * before the update as PyTorch logs them.
   */
  step(step: number): tf.Tensor1D {
    const rows = this.rowsOf(step);
    const vars = this.model.store.trainable;
    const mode: ForwardMode = { training: true, updateStats: true, conv: this.parts.conv };
    const terms = tf.tidy(() => {
      const x = this.inputs(rows, step);
      const y = this.feeder.labels(rows);
      // sepDecay's weight term, outside the tape: its gradient λ·W is the optimiser's to add
      const wd = this.config.sepDecay ? this.weightDecayTerm() : undefined;
      const kept: tf.Tensor1D[] = [];
      const { grads } = tf.variableGrads(() => {
        const t = this.objective(x, y, mode, wd);
        kept.push(tf.keep(tf.stack([t.total, t.data, t.wd, t.fd]) as tf.Tensor1D));
        return t.total;
      }, vars);
      const list = vars.map((v) => ({ name: v.name, tensor: grads[v.name] }));
      applyNetUpdate(this.parts.optimizer, this.model.store, this.config, list);
      return kept[0];
    });
    this.lastTerms?.dispose();
    this.lastTerms = terms;
    return terms;
  }

  /** Total loss of the last step taken, read back (null before any step). */
  async lastLoss(): Promise<number | null> {
    return this.lastTerms ? (await this.lastTerms.data())[0] : null;
  }

  /**
   * Loss terms for a report at step `step`: those of the last step taken, or before any, those
   * of the batch step `step` would use. A new tensor for the caller to dispose.
   */
  reportTerms(step: number): tf.Tensor1D {
    return this.lastTerms ? this.lastTerms.clone() : this.termsAt(step);
  }

  /** Loss terms of the batch step `step` would use, train mode, changing nothing. */
  termsAt(step: number): tf.Tensor1D {
    const rows = this.rowsOf(step);
    return tf.tidy(() => {
      // inputs() is the stored batch, augmented as the step would when `augment` is on.
      const t = this.objective(this.inputs(rows, step), this.feeder.labels(rows), {
        training: true,
        updateStats: false,
        conv: this.parts.conv,
      });
      return tf.stack([t.total, t.data, t.wd, t.fd]) as tf.Tensor1D;
    });
  }

  /**
   * The objective on the given training rows in train mode, changing nothing (running
   * statistics included): what a step on that batch would minimise. Call inside tf.tidy.
   */
  objectiveOn(rows: Int32Array): ObjectiveTerms {
    const x = this.feeder.inputs(rows, this.model.imageInput);
    return this.objective(x, this.feeder.labels(rows), {
      training: true,
      updateStats: false,
      conv: this.parts.conv,
    });
  }

  async captureLastTerms(): Promise<number[] | null> {
    return this.lastTerms ? Array.from(await this.lastTerms.data()) : null;
  }

  restoreLastTerms(terms: number[] | null): void {
    this.lastTerms?.dispose();
    this.lastTerms = terms ? tf.tensor1d(terms) : null;
  }

  dispose(): void {
    this.lastTerms?.dispose();
    this.lastTerms = null;
  }

  private rowsOf(step: number): Int32Array {
    const spe = this.plan.stepsPerEpoch;
    return this.plan.rows(Math.floor(step / spe), step % spe);
  }

  /**
   * The objective of one batch: data loss + (sepDecay) wd/2·Σ_j‖W_j‖² over the head weights
   * (bias excluded) + fd/2·Σ_i‖h_i‖² over the batch's train-mode features. Without sepDecay
   * the decay is coupled into the gradient instead (step) and both terms are 0.
   */
  private objective(
    x: tf.Tensor,
    y: tf.Tensor1D,
    mode: ForwardMode,
    wd = this.config.sepDecay ? this.weightDecayTerm() : undefined,
  ): ObjectiveTerms {
    const { features, logits } = this.model.forward(x, mode);
    const data = dataLoss(this.parts.loss, logits, y);
    const zero = tf.scalar(0);
    if (!wd) return { total: data, data, wd: zero, fd: zero };
    const fd = scaledSquaredNorm(features, this.config.featureDecay / 2);
    return { total: addMany([data, wd, fd]), data, wd, fd };
  }

  /** sepDecay's weight term wd/2·Σ_j‖W_j‖² over the head weights. Call inside tf.tidy. */
  private weightDecayTerm(): tf.Scalar {
    return tf.mul(this.model.head.weightSquaredNorm(), this.config.weightDecay / 2) as tf.Scalar;
  }

  /**
   * The inputs of step `step`'s batch: the stored ones, or with `augment` cropped and flipped as
   * drawn for (seed, epoch, batch), so a run and its replay see the same batches. Call in tidy.
   */
  private inputs(rows: Int32Array, step: number): tf.Tensor {
    const x = this.feeder.inputs(rows, this.model.imageInput);
    if (!this.config.augment) return x;
    const spe = this.plan.stepsPerEpoch;
    const key = `${this.config.seed}/augment/${Math.floor(step / spe)}/${step % spe}`;
    return augmentBatch(x as tf.Tensor4D, drawAugmentation(key, rows.length), this.padValues);
  }

  /** A black pixel after the dataset's normalisation, per channel: the crop's padding. */
  private get padValues(): number[] {
    const { inputShape, name } = this.parts.data;
    const channels = inputShape[inputShape.length - 1];
    return normalizationTable(DATASET_NORMALIZATION[name], channels).map((t) => t[0]);
  }
}
