import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../core/rng';
import type { Backbone } from './backbone';
import { BatchNorm, Dense, LayerNorm, type ForwardMode } from './layers';
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

/** seed 002's MLP options (`--act_fn`, `--use_layer_norm`, the penultimate dimension p). */
export interface Seed002MlpSpec extends MlpSpec {
  K: number;
  /** relu or sigmoid after every Linear; none removes every activation and the penultimate BN/LN. */
  activation: 'relu' | 'sigmoid' | 'none';
  layerNorm: boolean;
  /** p, the dimension of h (K in the simple experiments, 2 with `--fourclass_twofeatures`). */
  penultimate: number;
}

/**
 * seed 002's MLP (Nguyen et al. 2023's models/mlp.py; docs/memorization-dilation.md §1):
 * D = depthRelu Linear layers, each Linear → [BN1d] → [LayerNorm] → act; the hidden ones are
 * `width` wide and the last maps to p, so with relu h is p-dimensional and non-negative.
 * Linear(in, W), (D − 2) × Linear(W, W), Linear(W, p); D = 1 is Linear(in, p). With act none the
 * last Linear has no BN, LayerNorm or activation after it (as the reference builds it).
 * Modules are numbered as the reference's Sequential. PyTorch default initialisation everywhere.
 */
export class Seed002Mlp implements Backbone {
  readonly featureDim: number;
  private readonly blocks: {
    linear: Dense;
    bn: BatchNorm | null;
    ln: LayerNorm | null;
    act: boolean;
  }[] = [];

  constructor(
    store: ParamStore,
    rng: Rng,
    private readonly spec: Seed002MlpSpec,
  ) {
    const { inputSize, width, depthRelu, batchnorm, layerNorm, activation, penultimate } = spec;
    let index = 0;
    for (let j = 0; j < depthRelu; j++) {
      const last = j === depthRelu - 1;
      const inDim = j === 0 ? inputSize : width;
      const outDim = last ? penultimate : width;
      const linear = new Dense(store, rng, `layers.${index++}`, inDim, outDim, {
        bias: true,
        init: 'default',
        group: 'backbone',
        inputGrad: j > 0,
      });
      const after = !(last && activation === 'none');
      const bn =
        after && batchnorm ? new BatchNorm(store, `layers.${index++}`, outDim, 'backbone') : null;
      const ln =
        after && layerNorm ? new LayerNorm(store, `layers.${index++}`, outDim, 'backbone') : null;
      const act = activation !== 'none';
      if (act) index++;
      this.blocks.push({ linear, bn, ln, act });
    }
    this.featureDim = penultimate;
  }

  apply(x: tf.Tensor, mode: ForwardMode): tf.Tensor2D {
    let h = x as tf.Tensor2D;
    for (const { linear, bn, ln, act } of this.blocks) {
      h = linear.apply(h);
      if (bn) h = bn.apply(h, mode);
      if (ln) h = ln.apply(h);
      if (act) h = this.spec.activation === 'relu' ? tf.relu(h) : tf.sigmoid(h);
    }
    return h;
  }
}
