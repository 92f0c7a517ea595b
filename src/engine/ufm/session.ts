import * as tf from '@tensorflow/tfjs-core';
import type { UfmConfig } from '../config/schema';
import { computeMetrics, type MetricSet } from '../metrics';
import { applyWithDecay, createOptimizer, disposeOptimizer } from '../core/optimizer';
import type { Report, MetricsRecord } from '../session/types';
import { arraysFromState, randomInit, type UfmInitState } from './initState';
import { ufmGeometry, viewRows, VIEW_NUMBERS } from './geometry';
import { UfmModel } from './model';
import { theoryForConfig, type UfmTheory } from './theory';
import type { TrainingSession } from '../session/trainingSession';
import { rowsOf, type Mat } from '../core/linalg';
import { decodeFloat32, encodeFloat32 } from '../core/state/arrays';
import type { Checkpoint, UfmSessionState } from '../session/checkpoint';
import { captureOptimizer, restoreOptimizer } from '../core/state/optimizerState';

/** H small enough to read back whole (256 kB) rather than gather its shown rows. */
const readsWhole = (model: { N: number; d: number }) => model.N * model.d <= 4 * VIEW_NUMBERS;

/** The given rows of a row-major matrix with `d` columns, row after row. */
function pickRows(data: Float32Array, rows: number[], d: number): Float32Array {
  if (rows.length * d === data.length) return data;
  const out = new Float32Array(rows.length * d);
  rows.forEach((r, i) => out.set(data.subarray(r * d, (r + 1) * d), i * d));
  return out;
}

/**
 * One UFM training session: owns the model and the optimiser, steps synchronously inside
 * tf.tidy (no read-back), and measures asynchronously (`await data()` only, never dataSync).
 */
export class UfmSession implements TrainingSession<UfmTheory> {
  step = 0;
  /** Null for cross-entropy on imbalanced classes (no closed form). */
  readonly theory: UfmTheory | null;
  trainMs = 0;
  measureMs = 0;
  private readonly model: UfmModel;
  private readonly optimizer: tf.Optimizer;
  private axes: Mat | null = null;

  constructor(
    readonly config: UfmConfig,
    init?: UfmInitState,
  ) {
    this.model = new UfmModel(config, init ? arraysFromState(config, init) : randomInit(config));
    this.optimizer = createOptimizer(config);
    this.theory = theoryForConfig(config);
  }

  get totalSteps(): number {
    return this.config.steps;
  }

  get reportEvery(): number {
    return this.config.reportEvery;
  }

  /**
   * Run n optimiser steps. Returns the loss before the last of them (read back once, which also
   * keeps a GPU backend's command queue from running ahead of the page).
   */
  async train(n: number): Promise<number> {
    const start = performance.now();
    for (let i = 0; i < n - 1; i++) {
      tf.tidy(() => {
        const { grads, decay } = this.model.gradients(false);
        applyWithDecay(this.optimizer, grads, decay);
      });
    }
    const cost = tf.tidy(() => {
      const { grads, decay, loss } = this.model.gradients(true);
      applyWithDecay(this.optimizer, grads, decay);
      return loss as tf.Scalar;
    });
    this.step += n;
    const value = (await cost.data())[0];
    cost.dispose();
    this.trainMs += performance.now() - start;
    return value;
  }

  async measure(set: MetricSet = 'core'): Promise<Report> {
    const start = performance.now();
    const { model, config } = this;
    const rows = viewRows(model.N, model.d);
    const [terms, P, H] = tf.tidy(() => {
      const t = model.lossTerms();
      return [
        tf.stack([t.data, t.weightDecay, t.featureDecay]),
        tf.clone(model.product()),
        // all of a small H, picked from on the host; else only the rows shown (wasm's gather
        // took 0.7 ms for 256 rows of 64, a whole 400 × 64 read 0.03 ms)
        readsWhole(model) ? tf.clone(model.H) : tf.gather(model.H, tf.tensor1d(rows, 'int32')),
      ] as const;
    });
    try {
      const [termData, Pdata, biasData, Hdata] = await Promise.all([
        terms.data(),
        P.data(),
        model.bias ? model.bias.data() : Promise.resolve(null),
        H.data(),
      ]);
      const W = rowsOf(Pdata, model.K, model.d);
      const bias = biasData ? Array.from(biasData) : null;
      const result = await computeMetrics(
        {
          K: model.K,
          features: model.H,
          labels: model.labels,
          W: P,
          b: bias,
          layers: config.depth > 1 ? model.layers : null,
          // The general-orthogonal-frame targets are MSE's (docs/deep-linear-theory.md §4).
          gof:
            config.bias || config.loss === 'ce'
              ? null
              : { lambdaW: config.lambdaW, lambdaH: config.lambdaH, depth: config.depth },
        },
        set,
      );
      const [data, wd, fd] = Array.from(termData);
      const metrics: MetricsRecord = {
        loss: data + wd + fd,
        ...(config.loss === 'ce' ? { loss_data: data } : { loss_mse: data }),
        loss_weight_decay: wd,
        loss_feature_decay: fd,
        ...result.values,
      };
      const classMeans = result.values.class_means as number[][];
      const counts = result.values.counts as number[];
      const values = readsWhole(model) ? pickRows(Hdata as Float32Array, rows, model.d) : Hdata;
      const samples = { values, dim: model.d, labels: rows.map((r) => model.labels[r]) };
      const { geometry, axes } = ufmGeometry(classMeans, counts, W, bias, this.axes, samples);
      this.axes = axes;
      this.measureMs += performance.now() - start;
      return {
        step: this.step,
        totalSteps: config.steps,
        shape: {
          K: model.K,
          depth: config.depth,
          bias: config.bias,
          ...(config.loss === 'ce' && { crossEntropy: true }),
          classSizes: config.classSizes,
          unit: 'step',
          stepsPerUnit: 1,
        },
        metrics,
        undefinedReasons: { ...result.undefinedReasons } as Record<string, string>,
        geometry,
        timing: this.timing(),
        numTensors: tf.memory().numTensors,
      };
    } finally {
      tf.dispose([terms, P, H]);
    }
  }

  /** The loss at the current parameters (one scalar read back). */
  async currentLoss(): Promise<number> {
    const loss = tf.tidy(() => this.model.loss());
    const value = (await loss.data())[0];
    loss.dispose();
    return value;
  }

  timing() {
    return {
      trainMs: this.trainMs,
      measureMs: this.measureMs,
      stepsPerSecond: this.trainMs > 0 ? (1000 * this.step) / this.trainMs : 0,
    };
  }

  /** The current parameters in the oracle `init` format, to save or continue from. */
  async snapshot(): Promise<UfmInitState> {
    const { model } = this;
    const H = rowsOf(await model.H.data(), model.N, model.d);
    const fc_weights = await Promise.all(
      model.layers.map(async (w) => rowsOf(await w.data(), w.shape[0], w.shape[1])),
    );
    const fc_last_bias = model.bias ? Array.from(await model.bias.data()) : null;
    return { H, fc_weights, fc_last_bias, targets: Array.from(model.labels) };
  }

  /** H, the layers, the bias and the optimiser state, exactly (a checkpoint's session part). */
  async captureState(): Promise<UfmSessionState> {
    const { model } = this;
    const encode = async (v: tf.Tensor) => encodeFloat32(new Float32Array(await v.data()), v.shape);
    return {
      kind: 'ufm',
      H: await encode(model.H),
      layers: await Promise.all(model.layers.map(encode)),
      bias: model.bias ? await encode(model.bias) : null,
      optimizer: await captureOptimizer(this.optimizer),
    };
  }

  /** Continue from a checkpoint of the same config (call before any step). */
  async restoreState(checkpoint: Checkpoint): Promise<void> {
    const { state } = checkpoint;
    if (state.kind !== 'ufm') throw new Error('a network checkpoint cannot resume a UFM run');
    const { model } = this;
    const put = (v: tf.Variable, value: UfmSessionState['H'], what: string) => {
      if (value.shape.join('×') !== v.shape.join('×'))
        throw new Error(
          `checkpoint ${what} has shape ${value.shape.join('×')}, this run needs ${v.shape.join('×')}`,
        );
      tf.tidy(() => v.assign(tf.tensor(decodeFloat32(value, what), value.shape)));
    };
    if (state.layers.length !== model.layers.length)
      throw new Error(
        `the checkpoint has ${state.layers.length} layers, this run ${model.layers.length}`,
      );
    if (!state.bias !== !model.bias)
      throw new Error(`the checkpoint ${state.bias ? 'has' : 'has no'} bias, this run differs`);
    put(model.H, state.H, 'H');
    state.layers.forEach((l, j) => put(model.layers[j], l, `layer ${j + 1}`));
    if (model.bias && state.bias) put(model.bias, state.bias, 'bias');
    await restoreOptimizer(this.optimizer, state.optimizer);
    this.step = checkpoint.step;
    this.trainMs = checkpoint.timing.trainMs;
    this.measureMs = checkpoint.timing.measureMs;
  }

  dispose(): void {
    this.model.dispose();
    disposeOptimizer(this.optimizer);
  }
}
