import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng';
import type { Backbone } from './backbone';
import { BatchNorm, Dense, type ForwardMode } from './layers';
import type { ParamStore } from './params';

export interface MlpSpec {
  inputSize: number;
  width: number;
  depthRelu: number;
  batchnorm: boolean;
}

/**
 * seed 000's MLP backbone (Dang et al. 2023's models/mlp.py).
 * - batchnorm: [Linear, ReLU, BN1d] × depthRelu, then one more BN1d (`batch_norm`) → h.
 * - no batchnorm: [Linear, ReLU] × depthRelu, then `intermediate_layer` Linear(h, h) → h.
 * Initialisation as the reference's loop leaves it (docs/deep-linear-theory.md §8): it walks the
 * first depthRelu entries of the flattened Sequential, so Linear #j (0-based, j·(modules per block)
 * < depthRelu) is orthogonal and the others (and the intermediate layer) keep PyTorch's default.
 */
export class Seed000Mlp implements Backbone {
  readonly featureDim: number;
  private readonly blocks: { linear: Dense; bn: BatchNorm | null }[] = [];
  private readonly finalBn: BatchNorm | null = null;
  private readonly intermediate: Dense | null = null;

  constructor(store: ParamStore, rng: Rng, spec: MlpSpec) {
    const { inputSize, width, depthRelu, batchnorm } = spec;
    const perBlock = batchnorm ? 3 : 2;
    for (let j = 0; j < depthRelu; j++) {
      const index = j * perBlock;
      const linear = new Dense(store, rng, `layers.${index}`, j === 0 ? inputSize : width, width, {
        bias: true,
        init: index < depthRelu ? 'orthogonal' : 'default',
        group: 'backbone',
        inputGrad: j > 0,
      });
      const bn = batchnorm ? new BatchNorm(store, `layers.${index + 2}`, width, 'backbone') : null;
      this.blocks.push({ linear, bn });
    }
    if (batchnorm) this.finalBn = new BatchNorm(store, 'batch_norm', width, 'backbone');
    else {
      this.intermediate = new Dense(store, rng, 'intermediate_layer', width, width, {
        bias: true,
        init: 'default',
        group: 'backbone',
      });
    }
    this.featureDim = width;
  }

  apply(x: tf.Tensor, mode: ForwardMode): tf.Tensor2D {
    let h = x as tf.Tensor2D;
    for (const { linear, bn } of this.blocks) {
      h = tf.relu(linear.apply(h));
      if (bn) h = bn.apply(h, mode);
    }
    if (this.finalBn) return this.finalBn.apply(h, mode);
    return (this.intermediate as Dense).apply(h);
  }
}

/**
 * seed 002's MLP (Nguyen et al. 2023's models/mlp.py; docs/memorization-dilation.md §1) with
 * act = relu: D = depthRelu Linear layers, each Linear → [BN1d] → ReLU; the hidden ones are `width` wide and the last maps to p = K, so h is
 * K-dimensional and non-negative. Linear(in, W), (D − 2) × Linear(W, W), Linear(W, K); D = 1 is
 * Linear(in, K). PyTorch default initialisation everywhere.
 */
export class Seed002Mlp implements Backbone {
  readonly featureDim: number;
  private readonly blocks: { linear: Dense; bn: BatchNorm | null }[] = [];

  constructor(store: ParamStore, rng: Rng, spec: MlpSpec & { K: number }) {
    const { inputSize, width, depthRelu, batchnorm, K } = spec;
    let index = 0;
    for (let j = 0; j < depthRelu; j++) {
      const inDim = j === 0 ? inputSize : width;
      const outDim = j === depthRelu - 1 ? K : width;
      const linear = new Dense(store, rng, `layers.${index}`, inDim, outDim, {
        bias: true,
        init: 'default',
        group: 'backbone',
        inputGrad: j > 0,
      });
      const bn = batchnorm ? new BatchNorm(store, `layers.${index + 1}`, outDim, 'backbone') : null;
      index += batchnorm ? 3 : 2;
      this.blocks.push({ linear, bn });
    }
    this.featureDim = K;
  }

  apply(x: tf.Tensor, mode: ForwardMode): tf.Tensor2D {
    let h = x as tf.Tensor2D;
    for (const { linear, bn } of this.blocks) {
      h = linear.apply(h);
      if (bn) h = bn.apply(h, mode);
      h = tf.relu(h);
    }
    return h;
  }
}
