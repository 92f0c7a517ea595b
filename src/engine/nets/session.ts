import * as tf from '@tensorflow/tfjs-core';
import { isConvModel, type NetConfig } from '../config/schema';
import type { PreparedData } from '../data/types';
import { computeMetrics, type GofParams, type MetricSet } from '../metrics';
import { createOptimizer, disposeOptimizer } from '../core/optimizer';
import { rowsOf, type Mat } from '../core/linalg';
import type { TrainingSession } from '../session/trainingSession';
import type { MetricsRecord, Report, RunShape, SampleCloud, Timing } from '../session/types';
import { ufmGeometry } from '../ufm/geometry';
import { augmentBatch, drawAugmentation } from './augment';
import { EpochPlan, multiStepLr, sampleRows, stepLr } from './batches';
import { DATASET_NORMALIZATION, normalizationTable } from '../data/normalization';
import { convModeFor, type ConvMode } from './conv';
import { SplitFeeder, type SplitName } from './feeder';
import type { ForwardMode } from './layers';
import { dataLoss, type LossSpec } from './losses';
import { NetModel } from './model';
import { measureNetMd, type NetMdSplit } from '../md/netMd';
import type { Checkpoint, NetSessionState } from '../session/checkpoint';
import { captureNamed, restoreNamed } from '../core/state/netState';
import { captureOptimizer, restoreOptimizer } from '../core/state/optimizerState';

/** Points of the feature scatter in a report (the panel's budget, not a statistic). */
const SCATTER_POINTS = 600;

export interface NetSessionOptions {
  /**
   * Multiplier of nn.MSELoss(): seed 000's imbalanced script halves it under `--sep_decay`
   * (§A.2); 1 everywhere else. (Not a config field yet.)
   */
  mseScale?: number;
  /** Convolution path; default: forward-grads on wasm (no Conv2DBackpropFilter there), native elsewhere. */
  conv?: ConvMode;
  /** Rows per eval-mode forward pass in `measure`. */
  measureBatch?: number;
  /** Largest split (in floats) kept on the device; see SplitFeeder. */
  cacheFloats?: number;
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
 * One network training session (the network analogue of UfmSession): the model, optimiser,
 * epoch plan and data feeders. `train` runs mini-batch steps synchronously inside tf.tidy and
 * reads one loss back (`await data()` only, never dataSync); `measure` runs an eval-mode pass
 * over (up to measureSamples) train and test samples and streams the features through the NC
 * metrics library.
 */
/** The arrays of `NetSession.exportFeatures` (rows = measured samples, row-major). */
export interface FeatureExport {
  headLayer: number;
  K: number;
  train: { values: Float32Array; shape: [number, number]; labels: Int32Array };
  test: { values: Float32Array; shape: [number, number]; labels: Int32Array } | null;
  labelsOriginal: Int32Array | null;
  weights: { values: Float32Array; shape: [number, number] };
  bias: Float32Array | null;
}

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
  private readonly conv: ConvMode;
  private readonly loss: LossSpec;
  private readonly optimizer: tf.Optimizer;
  private readonly feeders: Partial<Record<SplitName, SplitFeeder>> = {};
  private readonly measureRows: Record<SplitName, Int32Array>;
  private readonly measureBatch: number;
  /** [total, data, weight decay, feature decay] of the last step (pre-step, train mode). */
  private lastTerms: tf.Tensor1D | null = null;
  /** Σ over the current epoch of batch loss × batch size (only with patience). */
  private epochLossSum: tf.Scalar | null = null;
  private bestEpochLoss = Infinity;
  private epochsSinceBest = 0;
  private stoppedEarly = false;
  private axes: Mat | null = null;

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
    this.plan = new EpochPlan(data.train.n, config.batchSize, config.shuffle, config.seed);
    this.stepsPerEpoch = this.plan.stepsPerEpoch;
    this.totalSteps = config.epochs * this.stepsPerEpoch;
    this.reportEvery = config.measureEvery * this.stepsPerEpoch;
    checkBatchNormBatches(config, this.plan, convolutional);
    this.conv = options.conv ?? convModeFor(tf.getBackend());
    this.model = new NetModel(config, data.K, data.inputShape);
    this.loss = {
      kind: config.loss,
      K: data.K,
      alpha: config.lossAlpha,
      mseScale: options.mseScale ?? 1,
    };
    this.optimizer = createOptimizer(config);
    this.measureBatch = options.measureBatch ?? (this.model.imageInput ? 128 : 1024);
    const pick = (split: SplitName) =>
      sampleRows(data[split].labels, config.measureSamples, `${config.seed}/measure/${split}`);
    this.measureRows = { train: pick('train'), val: pick('val'), test: pick('test') };
    for (const split of ['train', 'val', 'test'] as const) {
      if (data[split].n > 0) {
        this.feeders[split] = new SplitFeeder(data, split, options.cacheFloats);
      }
    }
    this.setLearningRate(this.lr);
  }

  /** Completed epochs. */
  get epoch(): number {
    return Math.floor(this.step / this.stepsPerEpoch);
  }

  /** Learning rate of the epoch the next step belongs to (StepLR or MultiStepLR). */
  get lr(): number {
    const { lr, lrGamma, lrStep, lrMilestones } = this.config;
    return lrMilestones.length
      ? multiStepLr(lr, lrGamma, lrMilestones, this.epoch)
      : stepLr(lr, lrGamma, lrStep, this.epoch);
  }

  finishedEarly(): boolean {
    return this.stoppedEarly;
  }

  /**
   * Run n optimiser steps (crossing epochs: StepLR, reshuffle, patience). Resolves with the
   * loss of the last of them (train mode, before its update, as PyTorch logs it), read back once;
   * non-finite when the run diverged. Stops early, with fewer steps, when patience runs out.
   */
  async train(n: number): Promise<number> {
    if (!(n >= 1)) throw new Error(`train(n) needs n ≥ 1, got ${n}`);
    const start = performance.now();
    for (let i = 0; i < n && !this.stoppedEarly; i++) {
      if (this.step % this.stepsPerEpoch === 0) this.setLearningRate(this.lr);
      const terms = this.stepOnce();
      this.lastTerms?.dispose();
      this.lastTerms = terms;
      this.step++;
      if (this.config.patience > 0) {
        this.accumulateEpochLoss(terms);
        if (this.step % this.stepsPerEpoch === 0) await this.endEpoch();
      }
    }
    const value = this.lastTerms ? (await this.lastTerms.data())[0] : await this.currentLoss();
    this.trainMs += performance.now() - start;
    return value;
  }

  /** The objective on the batch the next step would use, train mode, changing nothing. */
  async currentLoss(): Promise<number> {
    const terms = this.nextBatchTerms();
    const value = (await terms.data())[0];
    terms.dispose();
    return value;
  }

  async measure(set: MetricSet = 'core'): Promise<NetReport> {
    const start = performance.now();
    const owned: tf.Tensor[] = [];
    let report: NetReport;
    try {
      report = await this.measureInto(set, owned);
    } finally {
      tf.dispose(owned);
    }
    report.numTensors = tf.memory().numTensors;
    this.measureMs += performance.now() - start;
    report.timing = this.timing();
    return report;
  }

  /** measure's body; every tensor it creates goes into `owned`, which the caller disposes. */
  private async measureInto(set: MetricSet, owned: tf.Tensor[]): Promise<NetReport> {
    const { config, data, model } = this;
    const K = data.K;
    const terms = this.lastTerms ? this.lastTerms.clone() : this.nextBatchTerms();
    owned.push(terms);
    const train = await this.evalSplit('train');
    owned.push(train.features);
    const test = this.measureRows.test.length > 0 ? await this.evalSplit('test') : null;
    if (test) owned.push(test.features);
    const val = this.measureRows.val.length > 0 ? await this.evalSplit('val') : null;
    if (val) owned.push(val.features);
    const W = tf.tidy(() => model.head.product());
    owned.push(W);
    const layers = config.depthLinear > 1 ? tf.tidy(() => model.head.weightsOutIn()) : null;
    if (layers) owned.push(...layers);
    const [termData, Wdata, biasData] = await Promise.all([
      terms.data(),
      W.data(),
      model.head.bias ? model.head.bias.data() : Promise.resolve(null),
    ]);
    const bias = biasData ? Array.from(biasData) : null;
    const trainLabels = pickLabels(data.train.labels, this.measureRows.train);
    const originalLabels = pickLabels(data.train.originalLabels, this.measureRows.train);
    const noisy = originalLabels.some((y, i) => y !== trainLabels[i]);
    const result = await computeMetrics(
      {
        K,
        features: train.features,
        labels: trainLabels,
        W,
        b: bias,
        layers,
        testFeatures: test?.features ?? null,
        testLabels: test ? pickLabels(data.test.labels, this.measureRows.test) : null,
        labelsOriginal: noisy ? originalLabels : null,
        gof: this.gofParams(trainLabels.length),
      },
      withGeometryKeys(set),
    );
    const [total, dataTerm, wd, fd] = Array.from(termData);
    const metrics: MetricsRecord = {
      loss: total,
      loss_data: dataTerm,
      loss_weight_decay: wd,
      loss_feature_decay: fd,
      train_acc: train.accuracy,
      test_acc: test ? test.accuracy : null,
      ...(val ? { val_acc: val.accuracy } : {}),
      // Top-5 (seed 002's large-scale logs) only where it is not trivially 1 (K ≥ 5).
      ...(train.top5 !== null && { train_acc5: train.top5 }),
      ...(test?.top5 != null && { test_acc5: test.top5 }),
      ...(val?.top5 != null && { val_acc5: val.top5 }),
      epoch: this.epoch,
      lr: this.lr,
      ...result.values,
    };
    const Wrows = rowsOf(Wdata, K, model.featureDim);
    const undefinedReasons: Record<string, string> = {
      ...(result.undefinedReasons as Record<string, string>),
    };
    // The train features on the host, read back at most once for the MD measures and the scatter.
    let trainHost: Promise<Float32Array> | null = null;
    const readTrain = () => (trainHost ??= train.features.data() as Promise<Float32Array>);
    // seed 002's model is measured always (η = 0 too, the sweep's baseline); others when noisy.
    if (noisy || config.labelNoise > 0 || config.fourClass || config.model === 'mlp-md') {
      const md = await this.memorizationDilation(await readTrain(), val, test, Wrows, bias);
      Object.assign(metrics, md.values);
      for (const [k, v] of Object.entries(md.values)) if (v !== null) delete undefinedReasons[k];
      Object.assign(undefinedReasons, md.reasons);
    }
    const { geometry, axes } = ufmGeometry(
      result.values.class_means as number[][],
      result.values.counts as number[],
      Wrows,
      bias,
      this.axes,
    );
    this.axes = axes;
    if (!test) undefinedReasons.test_acc = 'no test samples';
    const samples =
      model.featureDim <= 3
        ? sampleCloud(await readTrain(), model.featureDim, trainLabels, originalLabels)
        : undefined;
    return {
      step: this.step,
      totalSteps: this.totalSteps,
      shape: this.shape(),
      metrics,
      undefinedReasons,
      geometry,
      samples,
      timing: this.timing(),
      numTensors: 0,
      epoch: this.epoch,
      lr: this.lr,
    };
  }

  /** seed 002's measures on the measured rows (features read back once; p = K is small). */
  private async memorizationDilation(
    trainFeatures: Float32Array,
    val: { features: tf.Tensor2D } | null,
    test: { features: tf.Tensor2D } | null,
    W: Mat,
    b: number[] | null,
  ): Promise<{ values: MetricsRecord; reasons: Record<string, string> }> {
    const { data } = this;
    const split = async (
      name: SplitName,
      features: tf.Tensor2D | Float32Array,
    ): Promise<NetMdSplit> => {
      const rows = this.measureRows[name];
      return {
        features:
          features instanceof Float32Array ? features : ((await features.data()) as Float32Array),
        labels: pickLabels(data[name].labels, rows),
        originalLabels: pickLabels(data[name].originalLabels, rows),
      };
    };
    return measureNetMd({
      K: data.K,
      dim: this.model.featureDim,
      train: await split('train', trainFeatures),
      val: val ? await split('val', val.features) : null,
      test: test ? await split('test', test.features) : null,
      W,
      b,
      latentOf: this.config.fourClass ? data.K / 2 : undefined,
    });
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
      lastTerms: this.lastTerms ? Array.from(await this.lastTerms.data()) : null,
      patience: {
        best: Number.isFinite(this.bestEpochLoss) ? this.bestEpochLoss : null,
        epochsSinceBest: this.epochsSinceBest,
        epochLossSum: this.epochLossSum ? (await this.epochLossSum.data())[0] : null,
        stoppedEarly: this.stoppedEarly,
      },
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
    this.lastTerms?.dispose();
    this.lastTerms = state.lastTerms ? tf.tensor1d(state.lastTerms) : null;
    const p = state.patience;
    this.bestEpochLoss = p.best ?? Infinity;
    this.epochsSinceBest = p.epochsSinceBest;
    this.epochLossSum?.dispose();
    this.epochLossSum = p.epochLossSum === null ? null : tf.scalar(p.epochLossSum);
    this.stoppedEarly = p.stoppedEarly;
    this.setLearningRate(this.lr);
  }

  /** Number of trainable parameters. */
  parameterCount(): number {
    return this.model.store.count();
  }

  dispose(): void {
    this.model.dispose();
    disposeOptimizer(this.optimizer);
    for (const f of Object.values(this.feeders)) f?.dispose();
    this.lastTerms?.dispose();
    this.epochLossSum?.dispose();
    this.lastTerms = null;
    this.epochLossSum = null;
  }

  // -------------------------------------------------------------------------------------------

  /**
   * The objective of one batch: data loss + (sepDecay) wd/2·Σ_j‖W_j‖² over the head weights
   * (bias excluded) + fd/2·Σ_i‖h_i‖² over the batch's train-mode features. Without sepDecay
   * the decay is coupled into the gradient instead (stepOnce) and both terms are 0.
   */
  private objective(
    x: tf.Tensor,
    y: tf.Tensor1D,
    mode: ForwardMode,
  ): { total: tf.Scalar; data: tf.Scalar; wd: tf.Scalar; fd: tf.Scalar } {
    const { features, logits } = this.model.forward(x, mode);
    const data = dataLoss(this.loss, logits, y);
    const zero = tf.scalar(0);
    if (!this.config.sepDecay) return { total: data, data, wd: zero, fd: zero };
    const wd = tf.mul(
      this.model.head.weightSquaredNorm(),
      this.config.weightDecay / 2,
    ) as tf.Scalar;
    const fd = tf.mul(tf.sum(tf.square(features)), this.config.featureDecay / 2) as tf.Scalar;
    return { total: tf.addN([data, wd, fd]) as tf.Scalar, data, wd, fd };
  }

  /** One optimiser step; returns the kept [total, data, wd, fd] of its (pre-step) loss. */
  /**
   * The next training batch's inputs: the stored ones, or with `augment` cropped and flipped as
   * drawn for (seed, epoch, batch), so a run and its replay see the same batches. Call in tidy.
   */
  private trainInputs(rows: Int32Array): tf.Tensor {
    const x = (this.feeders.train as SplitFeeder).inputs(rows, this.model.imageInput);
    if (!this.config.augment) return x;
    const key = `${this.config.seed}/augment/${this.epoch}/${this.step % this.stepsPerEpoch}`;
    return augmentBatch(x as tf.Tensor4D, drawAugmentation(key, rows.length), this.padValues);
  }

  /** A black pixel after the dataset's normalisation, per channel: the crop's padding. */
  private get padValues(): number[] {
    const channels = this.data.inputShape[this.data.inputShape.length - 1];
    return normalizationTable(DATASET_NORMALIZATION[this.data.name], channels).map((t) => t[0]);
  }

  private stepOnce(): tf.Tensor1D {
    const rows = this.plan.rows(this.epoch, this.step % this.stepsPerEpoch);
    const feeder = this.feeders.train as SplitFeeder;
    const vars = this.model.store.trainable;
    const mode: ForwardMode = { training: true, updateStats: true, conv: this.conv };
    return tf.tidy(() => {
      const x = this.trainInputs(rows);
      const y = feeder.labels(rows);
      let terms: tf.Tensor1D | null = null;
      const { grads } = tf.variableGrads(() => {
        const t = this.objective(x, y, mode);
        terms = tf.keep(tf.stack([t.total, t.data, t.wd, t.fd]) as tf.Tensor1D);
        return t.total;
      }, vars);
      const wd = this.config.sepDecay ? 0 : this.config.weightDecay;
      // torch's coupled L2: g ← g + wd·p on every parameter (BN and biases included).
      const list = vars.map((v) => ({
        name: v.name,
        tensor: wd > 0 ? tf.add(grads[v.name], tf.mul(v, wd)) : grads[v.name],
      }));
      this.optimizer.applyGradients(list);
      return terms as unknown as tf.Tensor1D;
    });
  }

  private nextBatchTerms(): tf.Tensor1D {
    const rows = this.plan.rows(this.epoch, this.step % this.stepsPerEpoch);
    return tf.tidy(() => {
      const labels = (this.feeders.train as SplitFeeder).labels(rows);
      const t = this.config.augment
        ? this.objective(this.trainInputs(rows), labels, {
            training: true,
            updateStats: false,
            conv: this.conv,
          })
        : this.objectiveOn(rows);
      return tf.stack([t.total, t.data, t.wd, t.fd]) as tf.Tensor1D;
    });
  }

  /**
   * The objective on the given training rows in train mode, changing nothing (running
   * statistics included): what a step on that batch would minimise. Call inside tf.tidy.
   */
  objectiveOn(rows: Int32Array): {
    total: tf.Scalar;
    data: tf.Scalar;
    wd: tf.Scalar;
    fd: tf.Scalar;
  } {
    const feeder = this.feeders.train as SplitFeeder;
    const x = feeder.inputs(rows, this.model.imageInput);
    return this.objective(x, feeder.labels(rows), {
      training: true,
      updateStats: false,
      conv: this.conv,
    });
  }

  private accumulateEpochLoss(terms: tf.Tensor1D): void {
    const batch = this.lastBatchSize();
    const add = tf.tidy(
      () => tf.mul(tf.reshape(tf.slice(terms, [0], [1]), []), batch) as tf.Scalar,
    );
    if (this.epochLossSum) {
      const sum = tf.add(this.epochLossSum, add) as tf.Scalar;
      tf.dispose([this.epochLossSum, add]);
      this.epochLossSum = sum;
    } else this.epochLossSum = add;
  }

  /** Size of the batch of the step just taken. */
  private lastBatchSize(): number {
    const b = (this.step - 1) % this.stepsPerEpoch;
    return Math.min(this.plan.batchSize, this.plan.n - b * this.plan.batchSize);
  }

  /** Patience: stop once the epoch-mean training loss has not improved for `patience` epochs. */
  private async endEpoch(): Promise<void> {
    const sum = this.epochLossSum;
    this.epochLossSum = null;
    if (!sum) return;
    const mean = (await sum.data())[0] / this.plan.n;
    sum.dispose();
    if (mean < this.bestEpochLoss) {
      this.bestEpochLoss = mean;
      this.epochsSinceBest = 0;
    } else if (++this.epochsSinceBest >= this.config.patience) {
      this.stoppedEarly = true;
    }
  }

  /**
   * What a measurement sees, as plain arrays: the eval-mode input of head layer `headLayer`
   * (0 = the penultimate features h; j = after W_j⋯W_1) for the measured train and test rows,
   * their labels (and original labels when noisy), and the classifier that acts on it,
   * W_M⋯W_{j+1} (K×d_j), with the last bias. `npm run metrics` on these gives the report's numbers.
   */
  async exportFeatures(headLayer = 0): Promise<FeatureExport> {
    const M = this.config.depthLinear;
    if (!(Number.isInteger(headLayer) && headLayer >= 0 && headLayer < M)) {
      throw new Error(`head layer ${headLayer} does not exist: this head has layers 0…${M - 1}`);
    }
    const { data, model } = this;
    const V = model.head.layers.map((l) => l.weight); // in×out, as stored
    // F_j = h V_1 ⋯ V_j (a new tensor, so h can be freed whatever j is).
    const through = (h: tf.Tensor2D) =>
      tf.tidy(() => V.slice(0, headLayer).reduce((f, v) => tf.matMul(f, v), tf.clone(h)));
    const split = async (name: SplitName) => {
      if (this.measureRows[name].length === 0) return null;
      const { features } = await this.evalSplit(name);
      const F = through(features);
      features.dispose();
      const values = (await F.data()) as Float32Array;
      const shape = F.shape as [number, number];
      F.dispose();
      return { values, shape, labels: pickLabels(data[name].labels, this.measureRows[name]) };
    };
    const train = (await split('train')) as NonNullable<Awaited<ReturnType<typeof split>>>;
    const test = await split('test');
    const P = tf.tidy(() =>
      tf.transpose(V.slice(headLayer + 1).reduce((p, v) => tf.matMul(p, v), V[headLayer])),
    );
    const weights = {
      values: (await P.data()) as Float32Array,
      shape: P.shape as [number, number],
    };
    P.dispose();
    const bias = model.head.bias ? ((await model.head.bias.data()) as Float32Array) : null;
    const original = pickLabels(data.train.originalLabels, this.measureRows.train);
    const noisy = original.some((y, i) => y !== train.labels[i]);
    return {
      headLayer,
      K: data.K,
      train,
      test,
      labelsOriginal: noisy ? original : null,
      weights,
      bias,
    };
  }

  /**
   * Eval-mode forward pass over the measured rows of a split: features, accuracy and, for K ≥ 5,
   * top-5 accuracy (the true class among the 5 largest logits: fewer than 5 logits above it).
   */
  private async evalSplit(
    split: SplitName,
  ): Promise<{ features: tf.Tensor2D; accuracy: number; top5: number | null }> {
    const rows = this.measureRows[split];
    const feeder = this.feeders[split] as SplitFeeder;
    const withTop5 = this.data.K >= 5;
    // No gradient here, so tf.conv2d serves every backend (and is the fastest forward).
    const mode: ForwardMode = { training: false, updateStats: false, conv: 'native' };
    const chunks: tf.Tensor2D[] = [];
    const hits: tf.Scalar[] = [];
    const hits5: tf.Scalar[] = [];
    for (let s = 0; s < rows.length; s += this.measureBatch) {
      const part = rows.subarray(s, Math.min(rows.length, s + this.measureBatch));
      const [h, hit, hit5] = tf.tidy(() => {
        const { features, logits } = this.model.forward(
          feeder.inputs(part, this.model.imageInput),
          mode,
        );
        const labels = feeder.labels(part);
        const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'int32'));
        let inTop5: tf.Scalar = tf.scalar(0, 'int32');
        if (withTop5) {
          const own = tf.sum(tf.mul(logits, tf.oneHot(labels, this.data.K)), 1, true);
          const above = tf.sum(tf.cast(tf.greater(logits, own), 'int32'), 1);
          inTop5 = tf.sum(tf.cast(tf.less(above, 5), 'int32'));
        }
        return [features, correct as tf.Scalar, inTop5] as const;
      });
      chunks.push(h);
      hits.push(hit);
      hits5.push(hit5);
    }
    const features = chunks.length === 1 ? chunks[0] : tf.concat(chunks, 0);
    if (chunks.length > 1) tf.dispose(chunks);
    const total = tf.tidy(() => tf.stack([tf.addN(hits), tf.addN(hits5)]));
    const [correct, correct5] = Array.from(await total.data());
    tf.dispose([total, ...hits, ...hits5]);
    return {
      features,
      accuracy: correct / rows.length,
      top5: withTop5 ? correct5 / rows.length : null,
    };
  }

  /**
   * GOF targets (nc-metrics §2.7) where the UFM of seed 000 §C describes the head: MSE, no bias,
   * sepDecay with both decays > 0. The constants are the effective ones, not the raw wd, fd that
   * validate_NC_unbalanced plugs in (oddity E.14): scaling the batch loss so its data term reads
   * ‖Z − Y‖²/(2B) gives λ_W = K·wd/(2s), λ_H = K·fd/(2s) per batch (s = mseScale), and summing an
   * epoch of batches of size B gives the full UFM over N samples with λ_H·B/N. Measured on N′
   * samples (same class proportions), the feature term scales to λ_H·B/N′.
   */
  private gofParams(measured: number): GofParams | null {
    const c = this.config;
    if (c.loss !== 'mse' || c.bias || !c.sepDecay || c.weightDecay <= 0 || c.featureDecay <= 0) {
      return null;
    }
    const s = this.loss.mseScale;
    const K = this.data.K;
    return {
      lambdaW: (K * c.weightDecay) / (2 * s),
      lambdaH: ((K * c.featureDecay) / (2 * s)) * (this.plan.batchSize / measured),
      depth: c.depthLinear,
    };
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

  private setLearningRate(lr: number): void {
    // Not instanceof: tfjs optimisers answer instanceof for every optimiser class.
    if (this.config.optimizer === 'sgd') (this.optimizer as tf.SGDOptimizer).setLearningRate(lr);
    else (this.optimizer as unknown as { learningRate: number }).learningRate = lr;
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

function pickLabels(labels: Int32Array, rows: Int32Array): Int32Array {
  return Int32Array.from(rows, (r) => labels[r]);
}

/** The report's geometry needs the counts and class means whatever set was asked for. */
function withGeometryKeys(set: MetricSet): MetricSet {
  if (typeof set === 'string') return set;
  return Array.from(new Set([...set, 'counts', 'class_means'])) as MetricSet;
}

/** Up to SCATTER_POINTS measured training samples in raw penultimate coordinates (p ≤ 3). */
function sampleCloud(
  flat: Float32Array,
  p: number,
  labels: Int32Array,
  originalLabels: Int32Array,
): SampleCloud {
  const n = Math.min(labels.length, SCATTER_POINTS);
  const stride = labels.length / n;
  const rows = Array.from({ length: n }, (_, i) => Math.floor(i * stride));
  return {
    points: rows.map((r) => Array.from(flat.subarray(r * p, (r + 1) * p))),
    labels: rows.map((r) => labels[r]),
    originalLabels: rows.map((r) => originalLabels[r]),
  };
}
