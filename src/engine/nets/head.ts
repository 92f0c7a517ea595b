import * as tf from '@tensorflow/tfjs-core';
import { fastMatMul } from '../core/fastMatMul';
import type { Rng } from '../core/rng';
import { Dense } from './layers';
import type { ParamStore } from './params';
import { addMany } from '../core/addMany';

export interface HeadSpec {
  /** Dimension of the features h entering W_1. */
  featureDim: number;
  /** Width of the hidden head layers (seed 000 `--width`). */
  width: number;
  /** Number of linear layers M. */
  depth: number;
  K: number;
  /** Bias of the last layer only. */
  bias: boolean;
  /** seed 000's MLP orthogonalises every head weight; ResNet/VGG keep PyTorch's default. */
  init: 'default' | 'orthogonal';
}

/**
 * The deep linear head of Dang et al. 2023's code (models/*.py): M = 1 is Linear(d, K, bias);
 * otherwise Linear(d, width, no bias), (M − 2) × Linear(width, width, no bias),
 * Linear(width, K, bias).
 * Named fc.0 … fc.{M−1} as the reference's `model.fc`.
 */
export class LinearHead {
  readonly layers: Dense[] = [];

  constructor(store: ParamStore, rng: Rng, spec: HeadSpec) {
    const { featureDim, width, depth, K } = spec;
    for (let j = 0; j < depth; j++) {
      const last = j === depth - 1;
      const inDim = j === 0 ? featureDim : width;
      this.layers.push(
        new Dense(store, rng, `fc.${j}`, inDim, last ? K : width, {
          bias: last && spec.bias,
          init: spec.init,
          group: 'head',
          headWeight: true,
        }),
      );
    }
  }

  get bias(): tf.Variable<tf.Rank.R1> | null {
    return this.layers[this.layers.length - 1].bias;
  }

  apply(h: tf.Tensor2D): tf.Tensor2D {
    let z = h;
    for (const layer of this.layers) z = layer.apply(z);
    return z;
  }

  /** W_1, …, W_M as PyTorch holds them (out×in), for the metrics' per-depth chain. */
  weightsOutIn(): tf.Tensor2D[] {
    return this.layers.map((l) => tf.transpose(l.weight));
  }

  /** The product W_M⋯W_1 (K×d, out×in): (V_1⋯V_M)ᵀ with V_j = W_jᵀ as stored. */
  product(): tf.Tensor2D {
    let P: tf.Tensor2D = this.layers[0].weight;
    for (let j = 1; j < this.layers.length; j++) P = fastMatMul(P, this.layers[j].weight);
    return tf.transpose(P);
  }

  /** Σ_j ‖W_j‖²_F: seed 000's `--sep_decay` weight term (the bias is not in it). */
  weightSquaredNorm(): tf.Scalar {
    return addMany(this.layers.map((l) => tf.sum(tf.square(l.weight))));
  }
}
