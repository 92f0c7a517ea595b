import * as tf from '@tensorflow/tfjs-core';
import { wasmHeap, type Heap } from '../core/hostLoops';
import { heapAffine, heapNormalise, heapNormaliseGrad } from './batchNormHeap';
import type { ForwardMode } from './layers';
import type { ParamGroup, ParamStore } from './params';

export const BN_EPS = 1e-5;
export const BN_MOMENTUM = 0.1;

/**
 * nn.BatchNorm1d / BatchNorm2d with PyTorch semantics: train mode normalises with the biased
 * batch variance and moves the running mean and the *unbiased* running variance by momentum 0.1;
 * eval mode uses the running statistics; eps 1e-5; γ = 1, β = 0 at init. The statistics are over
 * every axis but the last (NHWC channels, or the features of a 2-D input).
 *
 * Train mode is one op with BatchNorm's closed-form gradient (as PyTorch's own backward):
 * autodiff through mean, variance and the broadcasts ran ~30 kernels a layer, each saving a copy
 * of its inputs; this runs about a dozen on the [n, C] matrix of the input's values, and on wasm
 * five loops over the heap (batchNormHeap.ts).
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
    const C = this.channels;
    const n = x.size / C;
    // an MLP's [n, C] needs no reshape (each one a kernel and a tape node of the step)
    const flat = (x.rank === 2 ? x : tf.reshape(x, [n, C])) as tf.Tensor2D;
    const back = (y: tf.Tensor): T => (x.rank === 2 ? y : tf.reshape(y, x.shape)) as T;
    const heap = wasmHeap();
    if (!mode.training && heap) {
      const [g, v] = [heap.view(this.gamma), heap.view(this.runningVar)];
      const scale = g.map((gc, c) => gc / Math.sqrt(v[c] + BN_EPS));
      return back(heapAffine(heap, flat, this.runningMean, scale, this.beta));
    }
    if (!mode.training) {
      const scale = tf.mul(this.gamma, tf.rsqrt(tf.add(this.runningVar, BN_EPS))) as tf.Tensor1D;
      const shift = tf.sub(this.beta, tf.mul(this.runningMean, scale)) as tf.Tensor1D;
      return back(channelAffine(flat, scale, shift));
    }
    if (n < 2) {
      throw new Error(
        `BatchNorm in train mode needs more than 1 value per channel (got a batch of ${n}); ` +
          'choose a batch size that does not leave a single sample in the last batch',
      );
    }
    const op = heap ? this.heapTrainOp(heap, mode.updateStats) : this.trainOp(mode.updateStats);
    return back(op(flat, this.gamma, this.beta));
  }

  /** trainOp's op on the wasm heap: the same formulas as five loops (batchNormHeap.ts). */
  private heapTrainOp(heap: Heap, updateStats: boolean) {
    const gamma = this.gamma;
    return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [x, , beta, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
      const { y, stats } = heapNormalise(heap, x, gamma, beta, BN_EPS);
      if (updateStats) this.setRunningStats(heap, stats.mean, stats.variance, x.shape[0]);
      save([x, stats.mean, stats.invStd]);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [sx, mean, invStd] = saved as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
          return heapNormaliseGrad(heap, dy as tf.Tensor2D, sx, gamma, mean, invStd);
        },
      };
    });
  }

  /**
   * y = (x − μ)·γ/σ + β over the batch, with dβ = Σ dy, dγ = Σ dy·x̂ and
   * dx = γ/σ · (dy − dβ/n − x̂·dγ/n), x̂ = (x − μ)/σ. γ is read where it is (a variable, unchanged
   * until the update after the backward pass) rather than saved as a copy.
   */
  private trainOp(updateStats: boolean) {
    const gamma = this.gamma;
    return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [x, , beta, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
      const n = x.shape[0];
      const mean = tf.div(channelSums(x), n) as tf.Tensor1D;
      const centred = channelAffine(x, null, tf.neg(mean) as tf.Tensor1D);
      const variance = tf.div(channelSums(tf.square(centred)), n) as tf.Tensor1D;
      if (updateStats) this.updateRunningStats(mean, variance, n);
      const invStd = tf.rsqrt(tf.add(variance, BN_EPS)) as tf.Tensor1D;
      save([centred, invStd]);
      return {
        value: channelAffine(centred, tf.mul(gamma, invStd) as tf.Tensor1D, beta),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [c, s] = saved as [tf.Tensor2D, tf.Tensor1D];
          const g = dy as tf.Tensor2D;
          const dBeta = channelSums(g);
          const dyDotCentred = channelSums(tf.mul(g, c));
          const scale = tf.mul(gamma, s) as tf.Tensor1D;
          // dx = dy·scale − scale·dβ/n − (x − μ)·scale·σ⁻²·Σ dy·(x − μ)/n
          const shift = tf.mul(scale, tf.div(dBeta, -n)) as tf.Tensor1D;
          const slope = tf.mul(tf.mul(scale, tf.square(s)), tf.div(dyDotCentred, -n));
          const dx = tf.add(
            channelAffine(g, scale, shift),
            channelAffine(c, slope as tf.Tensor1D, null),
          );
          return [dx, tf.mul(dyDotCentred, s), dBeta];
        },
      };
    });
  }

  /** updateRunningStats with the batch's statistics on the heap, in JavaScript (C numbers). */
  private setRunningStats(heap: Heap, mean: tf.Tensor1D, variance: Float32Array, n: number) {
    const m = BN_MOMENTUM;
    const [mu, rm, rv] = [mean, this.runningMean, this.runningVar].map((t) => heap.view(t));
    const nextMean = rm.map((r, c) => r * (1 - m) + mu[c] * m);
    const nextVar = rv.map((r, c) => r * (1 - m) + variance[c] * ((m * n) / (n - 1)));
    this.runningMean.assign(tf.tensor1d(nextMean));
    this.runningVar.assign(tf.tensor1d(nextVar));
  }

  /** PyTorch's running statistics: momentum 0.1, the variance unbiased. Not part of the loss. */
  private updateRunningStats(mean: tf.Tensor1D, variance: tf.Tensor1D, n: number): void {
    const m = BN_MOMENTUM;
    this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)));
    this.runningVar.assign(
      tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(variance, (m * n) / (n - 1))),
    );
  }
}

/**
 * Σ over the rows of an [n, C] matrix. On wasm, from 16 channels and 64 rows, as the product of
 * a row of ones with it: wasm's Sum over a leading axis transposes first ([1 024, 32]: 0.26 ms
 * against 0.10; [128, 512]: 0.27 against 0.19; at 8 channels the product is the slower).
 */
function channelSums(x: tf.Tensor2D): tf.Tensor1D {
  const [n, C] = x.shape;
  if (tf.getBackend() === 'wasm' && C >= 16 && n >= 64) {
    return tf.reshape(tf.matMul(tf.ones([1, n]) as tf.Tensor2D, x), [C]);
  }
  return tf.sum(x, 0);
}

/**
 * Channels at most this wide take x·diag(a) + b as one fused matrix product on wasm: its
 * broadcasting Multiply and Add run element by element at ~2.6 ns each against ~0.5 ns for
 * same-shape operands, while the product costs 2C flops an element (XNNPACK ~20 GFLOP/s here).
 */
const DIAG_MAX_CHANNELS = 32;

/**
 * x·diag(a) + b per channel of an [n, C] matrix (a or b absent: 1 or 0). The product is exact:
 * every output sums one product and zeros.
 */
export function channelAffine(
  x: tf.Tensor2D,
  a: tf.Tensor1D | null,
  b: tf.Tensor1D | null,
): tf.Tensor2D {
  const C = x.shape[1];
  if (tf.getBackend() === 'wasm' && C <= DIAG_MAX_CHANNELS) {
    const eye = tf.eye(C);
    const diag = (a ? tf.mul(eye, a) : eye) as tf.Tensor2D;
    return tf.fused.matMul({ a: x, b: diag, bias: b ?? undefined }) as tf.Tensor2D;
  }
  const scaled = a ? tf.mul(x, a) : x;
  return (b ? tf.add(scaled, b) : scaled) as unknown as tf.Tensor2D;
}
