import * as tf from '@tensorflow/tfjs-core';
import { fastMatMul, fastMatMulConstLeft } from '../core/fastMatMul';
import type { Rng } from '../core/rng';
import { BN_EPS } from './batchNorm';
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
    // the bias joins the product's op (one custom gradient a layer, not two)
    return this.inputGrad
      ? fastMatMul(x, this.weight, this.bias)
      : fastMatMulConstLeft(x, this.weight, this.bias);
  }
}

// BatchNorm has a file of its own (its closed-form gradient).
export { BatchNorm, BN_EPS, BN_MOMENTUM } from './batchNorm';

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

export interface ConvOptions {
  bias: boolean;
  /** PyTorch's default, or torchvision ResNet's kaiming_normal_(mode='fan_out', relu). */
  init?: 'default' | 'kaiming-fan-out';
  /** false for a layer fed the network's input: its input gradient is never used */
  inputGrad?: boolean;
}

/** nn.Conv2d(in, out, k, stride, padding, bias) on NHWC input; filter stored [k, k, in, out]. */
export class Conv2d {
  readonly filter: tf.Variable<tf.Rank.R4>;
  readonly bias: tf.Variable<tf.Rank.R1> | null;
  readonly inputGrad: boolean;

  constructor(
    store: ParamStore,
    rng: Rng,
    name: string,
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernel: number,
    readonly stride: number,
    readonly pad: number,
    { bias, init = 'default', inputGrad = true }: ConvOptions,
  ) {
    this.inputGrad = inputGrad;
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
    return conv2d(x, this.filter, this.stride, this.pad, mode.conv, this.bias, this.inputGrad);
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
