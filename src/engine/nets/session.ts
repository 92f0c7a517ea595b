// One network training session (the network analogue of UfmSession): it builds the model, the
// epoch plan and the data feeders, and wires three parts with one job each: the trainer takes
// the steps (trainer.ts), the schedule sets each epoch's learning rate and stops on patience
// (schedule.ts), the measurer measures a report once (measurer.ts). Checkpoints capture all three.
import * as tf from '@tensorflow/tfjs-core';
import { isConvModel, type NetConfig } from '../config/schema';
import type { PreparedData } from '../data/types';
import type { MetricSet } from '../metrics';
import { disposeOptimizer, type ScheduledOptimizer } from '../core/optimizer';
import type { Checkpoint, NetSessionState } from '../session/checkpoint';
import { captureNamed, restoreNamed } from '../core/state/netState';
import { captureOptimizer, restoreOptimizer } from '../core/state/optimizerState';
import type { TrainingSession } from '../session/trainingSession';
import type { Report, RunShape, Timing } from '../session/types';
import { EpochPlan } from './batches';
import { convModeFor, type ConvMode } from './conv';
import { SplitFeeder, type SplitName } from './feeder';
import { NetMeasurer, type FeatureExport, type MeasurePass, type Measured } from './measurer';
import { NetModel } from './model';
import { TrainingSchedule } from './schedule';
import { createNetRunOptimizer, NetTrainer, type ObjectiveTerms } from './trainer';

export type { FeatureExport, MeasurePass } from './measurer';

export interface NetSessionOptions {
  /**
   * Multiplier of nn.MSELoss(): seed 000's imbalanced script halves it under `--sep_decay`;
   * 1 everywhere else. (Not a config field yet.)
   */
  mseScale?: number;
  /** Convolution path; default: forward-grads on wasm (no Conv2DBackpropFilter there), native elsewhere. */
  conv?: ConvMode;
  /** Rows per eval-mode forward pass in `measure`. */
  measureBatch?: number;
  /** Largest split (in floats) kept on the device; see SplitFeeder. */
  cacheFloats?: number;
  /** Observer of each metrics-library pass a report makes (tests, scripts/reportCost.ts). */
  onMeasurePass?: (pass: MeasurePass) => void;
}

/** A network report: the common Report plus where the run stands in epochs. */
export interface NetReport extends Report {
  /** Completed epochs. */
  epoch: number;
  /** Learning rate of the current epoch. */
  lr: number;
}

/** One named parameter or buffer, in the layout it is stored (dense in×out, conv [k, k, in, out]). */
export interface NamedArray {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface NetState {
  params: NamedArray[];
  buffers: NamedArray[];
}

/**
 * `train` runs mini-batch steps synchronously inside tf.tidy and reads one loss back (`await
 * data()` only, never dataSync); `measure` runs an eval-mode pass over (up to measureSamples)
 * train, validation and test samples and streams the features through the NC metrics library.
 */
export class NetSession implements TrainingSession {
  step = 0;
  readonly theory = null;
  readonly model: NetModel;
  readonly plan: EpochPlan;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  readonly reportEvery: number;
  private trainMs = 0;
  private measureMs = 0;
  private readonly optimizer: ScheduledOptimizer;
  private readonly feeders: Partial<Record<SplitName, SplitFeeder>> = {};
  private readonly trainer: NetTrainer;
  private readonly schedule: TrainingSchedule;
  private readonly measurer: NetMeasurer;

  constructor(
    readonly config: NetConfig,
    readonly data: PreparedData,
    options: NetSessionOptions = {},
  ) {
    if (data.train.n < 1) throw new Error(`the ${data.name} training split is empty`);
    const convolutional = isConvModel(config.model);
    if (convolutional && data.inputForm !== 'image') {
      throw new Error(`${config.model} needs image inputs (NHWC); the data was prepared flat`);
    }
    const plan = new EpochPlan(data.train.n, config.batchSize, config.shuffle, config.seed);
    this.plan = plan;
    this.stepsPerEpoch = plan.stepsPerEpoch;
    this.totalSteps = config.epochs * this.stepsPerEpoch;
    this.reportEvery = config.measureEvery * this.stepsPerEpoch;
    checkBatchNormBatches(config, plan, convolutional);
    this.model = new NetModel(config, data.K, data.inputShape);
    this.optimizer = createNetRunOptimizer(config);
    for (const split of ['train', 'val', 'test'] as const) {
      if (data[split].n > 0) {
        this.feeders[split] = new SplitFeeder(data, split, options.cacheFloats);
      }
    }
    const mseScale = options.mseScale ?? 1;
    this.trainer = new NetTrainer({
      config,
      data,
      model: this.model,
      plan,
      feeder: this.feeders.train as SplitFeeder,
      loss: { kind: config.loss, K: data.K, alpha: config.lossAlpha, mseScale },
      conv: options.conv ?? convModeFor(tf.getBackend()),
      optimizer: this.optimizer,
    });
    this.schedule = new TrainingSchedule(config, this.optimizer, {
      n: plan.n,
      stepsPerEpoch: plan.stepsPerEpoch,
      batchSize: (b) => Math.min(plan.batchSize, plan.n - b * plan.batchSize),
    });
    this.measurer = new NetMeasurer(config, data, this.model, this.feeders, {
      measureBatch: options.measureBatch ?? (this.model.imageInput ? 128 : 1024),
      mseScale,
      batchSize: plan.batchSize,
      onMeasurePass: options.onMeasurePass,
    });
    this.schedule.applyLearningRate(0);
  }

  /** Completed epochs. */
  get epoch(): number {
    return Math.floor(this.step / this.stepsPerEpoch);
  }

  /** Learning rate of the epoch the next step belongs to (StepLR or MultiStepLR). */
  get lr(): number {
    return this.schedule.lrAt(this.step);
  }

  finishedEarly(): boolean {
    return this.schedule.stoppedEarly;
  }

  /**
   * Run n optimiser steps (crossing epochs: StepLR, reshuffle, patience). Resolves with the
   * loss of the last of them (train mode, before its update, as PyTorch logs it), read back once;
   * non-finite when the run diverged. Stops early, with fewer steps, when patience runs out.
   */
  async train(n: number): Promise<number> {
    if (!(n >= 1)) throw new Error(`train(n) needs n ≥ 1, got ${n}`);
    const start = performance.now();
    for (let i = 0; i < n && !this.schedule.stoppedEarly; i++) {
      this.schedule.beforeStep(this.step);
      const terms = this.trainer.step(this.step);
      await this.schedule.afterStep(this.step, terms);
      this.step++;
    }
    const value = (await this.trainer.lastLoss()) ?? (await this.currentLoss());
    this.trainMs += performance.now() - start;
    return value;
  }

  /** The objective on the batch the next step would use, train mode, changing nothing. */
  async currentLoss(): Promise<number> {
    const terms = this.trainer.termsAt(this.step);
    const value = (await terms.data())[0];
    terms.dispose();
    return value;
  }

  /**
   * The objective on the given training rows in train mode, changing nothing (running
   * statistics included): what a step on that batch would minimise. Call inside tf.tidy.
   */
  objectiveOn(rows: Int32Array): ObjectiveTerms {
    return this.trainer.objectiveOn(rows);
  }

  async measure(set: MetricSet = 'core'): Promise<NetReport> {
    const start = performance.now();
    const terms = this.trainer.reportTerms(this.step);
    let measured: Measured;
    try {
      measured = await this.measurer.measure(set, terms, { epoch: this.epoch, lr: this.lr });
    } finally {
      terms.dispose();
    }
    const numTensors = tf.memory().numTensors;
    this.measureMs += performance.now() - start;
    return {
      step: this.step,
      totalSteps: this.totalSteps,
      shape: this.shape(),
      ...measured,
      timing: this.timing(),
      numTensors,
      epoch: this.epoch,
      lr: this.lr,
    };
  }

  /** The measured features and classifier as plain arrays (see NetMeasurer.exportFeatures). */
  exportFeatures(headLayer = 0): Promise<FeatureExport> {
    return this.measurer.exportFeatures(headLayer);
  }

  timing(): Timing {
    return {
      trainMs: this.trainMs,
      measureMs: this.measureMs,
      stepsPerSecond: this.trainMs > 0 ? (1000 * this.step) / this.trainMs : 0,
    };
  }

  /** Every parameter and buffer, by PyTorch-style name. */
  async state(): Promise<NetState> {
    const read = async (name: string, v: tf.Variable): Promise<NamedArray> => ({
      name,
      shape: v.shape.slice(),
      values: Float32Array.from(await v.data()),
    });
    const { store } = this.model;
    return {
      params: await Promise.all(store.params.map((p) => read(p.name, p.variable))),
      buffers: await Promise.all(store.buffers.map((b) => read(b.name, b.variable))),
    };
  }

  /**
   * Parameters, BatchNorm running statistics, optimiser state and patience, exactly. The batch
   * order, StepLR position and label noise follow from the config and the step, so they are
   * rebuilt on restore rather than stored.
   */
  async captureState(): Promise<NetSessionState> {
    const { store } = this.model;
    return {
      kind: 'net',
      params: await captureNamed(store.params),
      buffers: await captureNamed(store.buffers),
      optimizer: await captureOptimizer(this.optimizer),
      lastTerms: await this.trainer.captureLastTerms(),
      patience: await this.schedule.capture(),
    };
  }

  /** Continue from a checkpoint of the same config (call before any step). */
  async restoreState(checkpoint: Checkpoint): Promise<void> {
    const { state } = checkpoint;
    if (state.kind !== 'net') throw new Error('a UFM checkpoint cannot resume a network run');
    const { store } = this.model;
    restoreNamed(store.params, state.params, 'parameter');
    restoreNamed(store.buffers, state.buffers, 'buffer');
    await restoreOptimizer(this.optimizer, state.optimizer);
    this.step = checkpoint.step;
    this.trainMs = checkpoint.timing.trainMs;
    this.measureMs = checkpoint.timing.measureMs;
    this.trainer.restoreLastTerms(state.lastTerms);
    this.schedule.restore(state.patience, this.step);
  }

  /** Number of trainable parameters. */
  parameterCount(): number {
    return this.model.store.count();
  }

  dispose(): void {
    this.model.dispose();
    disposeOptimizer(this.optimizer);
    for (const f of Object.values(this.feeders)) f?.dispose();
    this.trainer.dispose();
    this.schedule.dispose();
  }

  private shape(): RunShape {
    const classSizes = new Array<number>(this.data.K).fill(0);
    for (const y of this.data.train.labels) classSizes[y]++;
    return {
      K: this.data.K,
      depth: this.config.depthLinear,
      bias: this.config.bias,
      classSizes,
      unit: 'epoch',
      stepsPerUnit: this.stepsPerEpoch,
    };
  }
}

/** PyTorch refuses a train-mode BatchNorm1d over one sample; say so before training starts. */
function checkBatchNormBatches(config: NetConfig, plan: EpochPlan, convolutional: boolean): void {
  // ResNet18 and VGG16 always end in BatchNorm1d over the batch.
  if ((config.batchnorm || convolutional) && plan.batchSizes().some((b) => b < 2)) {
    throw new Error(
      `batchSize ${config.batchSize} leaves a batch of 1 of the ${plan.n} training samples, ` +
        'and BatchNorm cannot normalise a single sample: choose another batch size',
    );
  }
}
