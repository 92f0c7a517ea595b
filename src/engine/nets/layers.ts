import * as tf from '@tensorflow/tfjs-core';
import { fastMatMul, fastMatMulConstLeft } from '../core/fastMatMul';
import type { Rng } from '../core/rng';
import { conv2d, type ConvMode } from './conv';
import { kaimingNormalFanOut, orthogonal, torchDefaultUniform } from './init';
import type { ParamGroup, ParamStore } from './params';

/** How a forward pass runs. */
export interface ForwardMode {
  /** BatchNorm normalises with the batch statistics (train) or the running ones (eval). */
  training: boolean;
  /** Train mode only: fold the batch statistics into the running ones (what PyTorch's forward does). */
  updateStats: boolean;
  conv: ConvMode;
}

export const BN_EPS = 1e-5;
export const BN_MOMENTUM = 0.1;

/**
 * nn.Linear(in, out). The weight is stored in×out (the transpose of PyTorch's), so the forward
 * pass is x·W with no transposed operand (fastMatMul; 2–11× faster on wasm).
 */
export class Dense {
  readonly weight: tf.Variable<tf.Rank.R2>;
  readonly bias: tf.Variable<tf.Rank.R1> | null;
  private readonly inputGrad: boolean;

  constructor(
    store: ParamStore,
    rng: Rng,
    name: string,
    readonly inDim: number,
    readonly outDim: number,
    opts: {
      bias: boolean;
      init: 'default' | 'orthogonal';
      group: ParamGroup;
      headWeight?: boolean;
      /** false for a layer fed the network's input: its input gradient is never used */
      inputGrad?: boolean;
    },
  ) {
    this.inputGrad = opts.inputGrad ?? true;
    // Stored in×out: the transpose of PyTorch's out×in orthogonal matrix.
    const values =
      opts.init === 'orthogonal'
        ? tf.tidy(() => tf.transpose(orthogonal(rng, outDim, inDim)))
        : torchDefaultUniform(rng, inDim * outDim, inDim);
    this.weight = store.param(
      `${name}.weight`,
      [inDim, outDim],
      values,
      opts.group,
      opts.headWeight ?? false,
    ) as tf.Variable<tf.Rank.R2>;
    this.bias = opts.bias
      ? (store.param(
          `${name}.bias`,
          [outDim],
          torchDefaultUniform(rng, outDim, inDim),
          opts.group,
        ) as tf.Variable<tf.Rank.R1>)
      : null;
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    const y = this.inputGrad ? fastMatMul(x, this.weight) : fastMatMulConstLeft(x, this.weight);
    return this.bias ? tf.add(y, this.bias) : y;
  }
}

/**
 * nn.BatchNorm1d / BatchNorm2d with PyTorch semantics: train mode normalises with the biased
 * batch variance and moves the running mean and the *unbiased* running variance by momentum 0.1;
 * eval mode uses the running statistics; eps 1e-5; γ = 1, β = 0 at init. The statistics are over
 * every axis but the last (NHWC channels, or the features of a 2-D input).
 */
export class BatchNorm {
  readonly gamma: tf.Variable<tf.Rank.R1>;
  readonly beta: tf.Variable<tf.Rank.R1>;
  readonly runningMean: tf.Variable<tf.Rank.R1>;
  readonly runningVar: tf.Variable<tf.Rank.R1>;

  constructor(
    store: ParamStore,
    name: string,
    readonly channels: number,
    group: ParamGroup,
  ) {
    const ones = new Float32Array(channels).fill(1);
    const zeros = new Float32Array(channels);
    this.gamma = store.param(`${name}.weight`, [channels], ones, group) as tf.Variable<tf.Rank.R1>;
    this.beta = store.param(`${name}.bias`, [channels], zeros, group) as tf.Variable<tf.Rank.R1>;
    this.runningMean = store.buffer(
      `${name}.running_mean`,
      [channels],
      zeros,
    ) as tf.Variable<tf.Rank.R1>;
    this.runningVar = store.buffer(
      `${name}.running_var`,
      [channels],
      ones,
    ) as tf.Variable<tf.Rank.R1>;
  }

  apply<T extends tf.Tensor>(x: T, mode: ForwardMode): T {
    const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
    if (!mode.training) {
      const scale = tf.mul(this.gamma, tf.rsqrt(tf.add(this.runningVar, BN_EPS)));
      return tf.add(tf.mul(x, scale), tf.sub(this.beta, tf.mul(this.runningMean, scale))) as T;
    }
    const n = x.size / this.channels;
    if (n < 2) {
      throw new Error(
        `BatchNorm in train mode needs more than 1 value per channel (got a batch of ${n}); ` +
          'choose a batch size that does not leave a single sample in the last batch',
      );
    }
    const mean = tf.mean(x, axes);
    const centred = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centred), axes);
    if (mode.updateStats) {
      const m = BN_MOMENTUM;
      // Not part of the loss: assign copies the values, the tape ignores them.
      this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)));
      this.runningVar.assign(
        tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(variance, (m * n) / (n - 1))),
      );
    }
    const scale = tf.mul(this.gamma, tf.rsqrt(tf.add(variance, BN_EPS)));
    return tf.add(tf.mul(centred, scale), this.beta) as T;
  }
}

/** nn.LayerNorm(features): per sample over the last axis, biased variance, ε 1e-5, γ = 1, β = 0. */
export class LayerNorm {
  readonly gamma: tf.Variable<tf.Rank.R1>;
  readonly beta: tf.Variable<tf.Rank.R1>;

  constructor(store: ParamStore, name: string, features: number, group: ParamGroup) {
    const ones = new Float32Array(features).fill(1);
    this.gamma = store.param(`${name}.weight`, [features], ones, group) as tf.Variable<tf.Rank.R1>;
    this.beta = store.param(
      `${name}.bias`,
      [features],
      new Float32Array(features),
      group,
    ) as tf.Variable<tf.Rank.R1>;
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    const mean = tf.mean(x, 1, true);
    const centred = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centred), 1, true);
    return tf.add(
      tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, BN_EPS))), this.gamma),
      this.beta,
    );
  }
}

/** nn.Conv2d(in, out, k, stride, padding, bias) on NHWC input; filter stored [k, k, in, out]. */
export class Conv2d {
  readonly filter: tf.Variable<tf.Rank.R4>;
  readonly bias: tf.Variable<tf.Rank.R1> | null;

  constructor(
    store: ParamStore,
    rng: Rng,
    name: string,
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernel: number,
    readonly stride: number,
    readonly pad: number,
    bias: boolean,
    /** PyTorch's default, or torchvision ResNet's kaiming_normal_(mode='fan_out', relu). */
    init: 'default' | 'kaiming-fan-out' = 'default',
  ) {
    const fanIn = inChannels * kernel * kernel;
    const count = fanIn * outChannels;
    this.filter = store.param(
      `${name}.weight`,
      [kernel, kernel, inChannels, outChannels],
      init === 'default'
        ? torchDefaultUniform(rng, count, fanIn)
        : kaimingNormalFanOut(rng, count, outChannels * kernel * kernel),
      'backbone',
    ) as tf.Variable<tf.Rank.R4>;
    this.bias = bias
      ? (store.param(
          `${name}.bias`,
          [outChannels],
          torchDefaultUniform(rng, outChannels, fanIn),
          'backbone',
        ) as tf.Variable<tf.Rank.R1>)
      : null;
  }

  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor4D {
    const y = conv2d(x, this.filter, this.stride, this.pad, mode.conv);
    return this.bias ? tf.add(y, this.bias) : y;
  }
}

/** nn.MaxPool2d(2, 2) (floor: an odd last row/column is dropped). */
export function maxPool2x2(x: tf.Tensor4D): tf.Tensor4D {
  return tf.maxPool(x, 2, 2, 'valid');
}

/** Average over the spatial axes: avg_pool2d(4) of the reference at its 32×32 input (4×4 maps). */
export function globalAvgPool(x: tf.Tensor4D): tf.Tensor2D {
  return tf.mean(x, [1, 2]) as tf.Tensor2D;
}
