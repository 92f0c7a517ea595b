import type * as tf from '@tensorflow/tfjs-core';
import { isConvModel, type NetConfig } from '../config/schema';
import { createRng, type Rng } from '../core/rng';
import type { Backbone } from './backbone';
import { LinearHead } from './head';
import type { ForwardMode } from './layers';
import { Seed000Mlp, Seed002Mlp } from './mlp';
import { ParamStore } from './params';
import { ResNet18 } from './resnet';
import { TorchvisionResNet18 } from './resnetTorchvision';
import { Vgg16 } from './vgg';

/** The config fields that shape the network. */
export type ModelSpec = Pick<
  NetConfig,
  | 'model'
  | 'width'
  | 'depthRelu'
  | 'depthLinear'
  | 'bias'
  | 'batchnorm'
  | 'widthMult'
  | 'seed'
  | 'mlpActivation'
  | 'layerNorm'
  | 'penultimateDim'
>;

export interface NetForward {
  /** h: the input of the first head layer W_1 (what seed 000 hooks and decays). */
  features: tf.Tensor2D;
  logits: tf.Tensor2D;
}

/**
 * Backbone + deep linear head, with every parameter in one store. Initialised from the seed
 * alone (JavaScript RNG), so the same config gives the same weights on every backend.
 */
export class NetModel {
  readonly store = new ParamStore();
  readonly backbone: Backbone;
  readonly head: LinearHead;
  /** NHWC (convolutional models) or flat input. */
  readonly imageInput: boolean;

  constructor(
    readonly spec: ModelSpec,
    readonly K: number,
    readonly inputShape: readonly number[],
  ) {
    const rng = createRng(`${spec.seed}/init`);
    const inputSize = inputShape.reduce((a, b) => a * b, 1);
    this.imageInput = isConvModel(spec.model);
    if (this.imageInput && inputShape.length !== 3) {
      throw new Error(
        `${spec.model} needs image inputs [H, W, C]; this dataset gives vectors of shape [${inputShape.join(', ')}]`,
      );
    }
    try {
      this.backbone = this.buildBackbone(rng, inputSize);
      this.head = new LinearHead(this.store, rng, {
        featureDim: this.backbone.featureDim,
        width: spec.width,
        depth: spec.depthLinear,
        K,
        bias: spec.bias,
        init: spec.model === 'mlp' ? 'orthogonal' : 'default',
      });
    } catch (error) {
      this.store.dispose(); // the layers built before the failure
      throw error;
    }
  }

  private buildBackbone(rng: Rng, inputSize: number): Backbone {
    const { spec, K, inputShape } = this;
    const mlp = {
      inputSize,
      width: spec.width,
      depthRelu: spec.depthRelu,
      batchnorm: spec.batchnorm,
    };
    switch (spec.model) {
      case 'mlp':
        return new Seed000Mlp(this.store, rng, mlp);
      case 'mlp-md':
        return new Seed002Mlp(this.store, rng, {
          ...mlp,
          K,
          activation: spec.mlpActivation,
          layerNorm: spec.layerNorm,
          penultimate: spec.penultimateDim || K,
        });
      case 'resnet18':
        return new ResNet18(this.store, rng, inputShape[2], spec.widthMult);
      case 'resnet18-tv':
        return new TorchvisionResNet18(this.store, rng, inputShape[2], spec.widthMult);
      case 'vgg16':
        return new Vgg16(this.store, rng, inputShape, spec.widthMult);
    }
  }

  get featureDim(): number {
    return this.backbone.featureDim;
  }

  /** x: [B, ...inputShape]. Call inside tf.tidy. */
  forward(x: tf.Tensor, mode: ForwardMode): NetForward {
    const features = this.backbone.apply(x, mode);
    return { features, logits: this.head.apply(features) };
  }

  dispose(): void {
    this.store.dispose();
  }
}
