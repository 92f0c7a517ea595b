// What a network report measures, once per report: an eval-mode pass over each split's measured
// rows, one NC metrics-library pass on the device over the train (and test) features, and, for
// noisy runs, one float64 memorization–dilation pass on the host over the training rows; then
// the geometry and the feature scatter from what those passes already hold.
import * as tf from '@tensorflow/tfjs-core';
import { measuresMemorization } from '../config/experimentKinds';
import type { NetConfig } from '../config/schema';
import type { PreparedData } from '../data/types';
import { rowsOf, type Mat } from '../core/linalg';
import { measureNetMd, type NetMdSplit } from '../md/netMd';
import { computeMetrics, type GofParams, type MetricSet } from '../metrics';
import type { MetricsRecord, Report, SampleCloud } from '../session/types';
import { ufmGeometry } from '../ufm/geometry';
import { sampleRows } from './batches';
import { evaluateRows, type EvaluatedSplit } from './evaluate';
import type { SplitFeeder, SplitName } from './feeder';
import type { NetModel } from './model';

/** Points of the feature scatter in a report (the panel's budget, not a statistic). */
const SCATTER_POINTS = 600;

/** One metrics-library pass of a report: where it ran and the measured rows it read. */
export interface MeasurePass {
  where: 'device' | 'host';
  splits: SplitName[];
  rows: number;
}

export interface MeasurerOptions {
  /** Rows per eval-mode forward pass. */
  measureBatch: number;
  /** The MSE multiplier (NetSessionOptions.mseScale): it enters the GOF constants. */
  mseScale: number;
  /** Training batch size: it enters the GOF feature constant. */
  batchSize: number;
  /** Observer of each metrics-library pass (tests, scripts/reportCost.ts). */
  onMeasurePass?: (pass: MeasurePass) => void;
}

/** What the measurer adds to a report; the session adds where the run stands. */
export type Measured = Pick<Report, 'metrics' | 'undefinedReasons' | 'geometry' | 'samples'>;

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

export class NetMeasurer {
  /** The measured rows of each split (seeded, up to measureSamples). */
  readonly rows: Record<SplitName, Int32Array>;
  /** The geometry panel's axes, kept from report to report so the view does not flip. */
  private axes: Mat | null = null;

  constructor(
    private readonly config: NetConfig,
    private readonly data: PreparedData,
    private readonly model: NetModel,
    private readonly feeders: Partial<Record<SplitName, SplitFeeder>>,
    private readonly options: MeasurerOptions,
  ) {
    const pick = (split: SplitName) =>
      sampleRows(data[split].labels, config.measureSamples, `${config.seed}/measure/${split}`);
    this.rows = { train: pick('train'), val: pick('val'), test: pick('test') };
  }

  /**
   * Measure the model as it stands; `terms` are the loss terms to report ([total, data, weight
   * decay, feature decay]), owned by the caller.
   */
  async measure(
    set: MetricSet,
    terms: tf.Tensor1D,
    at: { epoch: number; lr: number },
  ): Promise<Measured> {
    const owned: tf.Tensor[] = [];
    try {
      return await this.measureInto(set, terms, at, owned);
    } finally {
      tf.dispose(owned);
    }
  }

  /** The measured rows of each split through the network (features owned by the caller). */
  private async evaluateSplits(owned: tf.Tensor[]): Promise<Splits> {
    const train = await this.evaluate('train');
    owned.push(train.features);
    const test = this.rows.test.length > 0 ? await this.evaluate('test') : null;
    if (test) owned.push(test.features);
    const val = this.rows.val.length > 0 ? await this.evaluate('val') : null;
    if (val) owned.push(val.features);
    return { train, test, val };
  }

  /** measure's body; every tensor it creates goes into `owned`, which the caller disposes. */
  private async measureInto(
    set: MetricSet,
    terms: tf.Tensor1D,
    at: { epoch: number; lr: number },
    owned: tf.Tensor[],
  ): Promise<Measured> {
    const { config, data, model } = this;
    const K = data.K;
    const { train, test, val } = await this.evaluateSplits(owned);
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
    const trainLabels = pickLabels(data.train.labels, this.rows.train);
    const originalLabels = pickLabels(data.train.originalLabels, this.rows.train);
    const noisy = originalLabels.some((y, i) => y !== trainLabels[i]);
    this.options.onMeasurePass?.({
      where: 'device',
      splits: test ? ['train', 'test'] : ['train'],
      rows: trainLabels.length + (test ? this.rows.test.length : 0),
    });
    const result = await computeMetrics(
      {
        K,
        features: train.features,
        labels: trainLabels,
        W,
        b: bias,
        layers,
        testFeatures: test?.features ?? null,
        testLabels: test ? pickLabels(data.test.labels, this.rows.test) : null,
        labelsOriginal: noisy ? originalLabels : null,
        gof: this.gofParams(trainLabels.length),
      },
      withGeometryKeys(set),
    );
    const metrics: MetricsRecord = {
      ...lossAndAccuracy(termData, { train, test, val }, at),
      ...result.values,
    };
    const Wrows = rowsOf(Wdata, K, model.featureDim);
    const undefinedReasons: Record<string, string> = {
      ...(result.undefinedReasons as Record<string, string>),
    };
    // The train features on the host, read back at most once for the MD measures and the scatter.
    let trainHost: Promise<Float32Array> | null = null;
    const readTrain = () => (trainHost ??= train.features.data() as Promise<Float32Array>);
    // The one rule (config/experimentKinds.ts), or labels that came noisy with the data.
    if (noisy || measuresMemorization(config)) {
      const md = await this.memorizationDilation(await readTrain(), val, test, Wrows, bias);
      Object.assign(metrics, md.values);
      for (const [k, v] of Object.entries(md.values)) if (v !== null) delete undefinedReasons[k];
      Object.assign(undefinedReasons, md.reasons);
    }
    const samples =
      model.featureDim <= 3
        ? sampleCloud(await readTrain(), model.featureDim, trainLabels, originalLabels)
        : undefined;
    const { geometry, axes } = ufmGeometry(
      result.values.class_means as number[][],
      result.values.counts as number[],
      Wrows,
      bias,
      this.axes,
      samples && {
        values: samples.points.flat(),
        dim: model.featureDim,
        labels: samples.labels,
      },
    );
    this.axes = axes;
    if (!test) undefinedReasons.test_acc = 'no test samples';
    return { metrics, undefinedReasons, geometry, samples };
  }

  /**
   * seed 002's measures on the measured rows (features read back once; p = K is small): one
   * float64 library pass over the training (and held-out) rows; the test rows give decisions.
   */
  private async memorizationDilation(
    trainFeatures: Float32Array,
    val: EvaluatedSplit | null,
    test: EvaluatedSplit | null,
    W: Mat,
    b: number[] | null,
  ): Promise<{ values: MetricsRecord; reasons: Record<string, string> }> {
    const { data } = this;
    const split = async (
      name: SplitName,
      features: tf.Tensor2D | Float32Array,
    ): Promise<NetMdSplit> => {
      const rows = this.rows[name];
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
      onLibraryPass: ({ block, rows }) =>
        this.options.onMeasurePass?.({
          where: 'host',
          splits:
            block === 'test' ? ['test'] : block === 'train' && val ? ['train', 'val'] : ['train'],
          rows,
        }),
    });
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
      if (this.rows[name].length === 0) return null;
      const { features } = await this.evaluate(name);
      const F = through(features);
      features.dispose();
      const values = (await F.data()) as Float32Array;
      const shape = F.shape as [number, number];
      F.dispose();
      return { values, shape, labels: pickLabels(data[name].labels, this.rows[name]) };
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
    const original = pickLabels(data.train.originalLabels, this.rows.train);
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

  private evaluate(split: SplitName): Promise<EvaluatedSplit> {
    return evaluateRows(
      this.model,
      this.feeders[split] as SplitFeeder,
      this.rows[split],
      this.data.K,
      this.options.measureBatch,
    );
  }

  /**
   * GOF targets (Dang et al. 2023) where the UFM describes the head: MSE, no bias, sepDecay with
   * both decays > 0. The constants are the effective ones, not the raw wd, fd that seed 000's
   * validate_NC_unbalanced plugs in: scaling the batch loss so its data term reads ‖Z − Y‖²/(2B)
   * gives λ_W = K·wd/(2s), λ_H = K·fd/(2s) per batch (s = mseScale), and summing an epoch of
   * batches of size B gives the full UFM over N samples with λ_H·B/N. Measured on N′ samples
   * (same class proportions), the feature term scales to λ_H·B/N′.
   */
  private gofParams(measured: number): GofParams | null {
    const c = this.config;
    if (c.loss !== 'mse' || c.bias || !c.sepDecay || c.weightDecay <= 0 || c.featureDecay <= 0) {
      return null;
    }
    const s = this.options.mseScale;
    const K = this.data.K;
    return {
      lambdaW: (K * c.weightDecay) / (2 * s),
      lambdaH: ((K * c.featureDecay) / (2 * s)) * (this.options.batchSize / measured),
      depth: c.depthLinear,
    };
  }
}

interface Splits {
  train: EvaluatedSplit;
  test: EvaluatedSplit | null;
  val: EvaluatedSplit | null;
}

/** The loss and its terms, the accuracies of each split, and where in training they were taken. */
function lossAndAccuracy(
  terms: ArrayLike<number>,
  { train, test, val }: Splits,
  at: { epoch: number; lr: number },
): MetricsRecord {
  const [total, dataTerm, wd, fd] = Array.from(terms);
  return {
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
    epoch: at.epoch,
    lr: at.lr,
  };
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
