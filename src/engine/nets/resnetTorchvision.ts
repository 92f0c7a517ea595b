import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../core/rng';
import type { Backbone } from './backbone';
import { BatchNorm, Conv2d, globalAvgPool, type ForwardMode } from './layers';
import type { ParamStore } from './params';
import { BasicBlock, scaledWidth } from './resnet';

/**
 * torchvision's resnet18 (torchvision.models.resnet.ResNet(BasicBlock, [2, 2, 2, 2])), the model
 * of Nguyen et al. 2023's large-scale `train_model.py`: 7×7 stride-2 stem conv (no bias) + BN +
 * ReLU, 3×3 stride-2 max-pool (padding 1), BasicBlock stages of 64, 128, 256, 512 channels
 * (× widthMult; projection shortcuts named `downsample`), global average pool, then the head
 * (a single fc for depthLinear 1). Convolutions get kaiming_normal_(fan_out, relu), BatchNorm
 * γ = 1, β = 0, the fc PyTorch's default: torchvision's own initialisation.
 * Unlike seed 000's CIFAR ResNet18 there is no BatchNorm on the pooled features.
 */
export class TorchvisionResNet18 implements Backbone {
  readonly featureDim: number;
  private readonly stem: Conv2d;
  private readonly stemBn: BatchNorm;
  private readonly blocks: BasicBlock[] = [];

  constructor(store: ParamStore, rng: Rng, inChannels: number, widthMult: number) {
    const w = (c: number) => scaledWidth(c, widthMult);
    const style = { shortcutName: 'downsample', init: 'kaiming-fan-out' } as const;
    // the network's input: no input gradient
    this.stem = new Conv2d(store, rng, 'conv1', inChannels, w(64), 7, 2, 3, {
      bias: false,
      init: style.init,
      inputGrad: false,
    });
    this.stemBn = new BatchNorm(store, 'bn1', w(64), 'backbone');
    let inCh = w(64);
    [64, 128, 256, 512].forEach((c, stage) => {
      for (let b = 0; b < 2; b++) {
        const stride = b === 0 && stage > 0 ? 2 : 1;
        const name = `layer${stage + 1}.${b}`;
        this.blocks.push(new BasicBlock(store, rng, name, inCh, w(c), stride, style));
        inCh = w(c);
      }
    });
    this.featureDim = inCh;
  }

  apply(x: tf.Tensor, mode: ForwardMode): tf.Tensor2D {
    let y = tf.relu(this.stemBn.apply(this.stem.apply(x as tf.Tensor4D, mode), mode));
    y = maxPool3x3s2p1(y);
    for (const block of this.blocks) y = block.apply(y, mode);
    return globalAvgPool(y);
  }
}

/**
 * nn.MaxPool2d(3, stride 2, padding 1). PyTorch pads with −∞; the input here follows a ReLU
 * (≥ 0), so zero padding gives the same maxima and works the same on every backend.
 */
function maxPool3x3s2p1(x: tf.Tensor4D): tf.Tensor4D {
  const padded = tf.pad(x, [
    [0, 0],
    [1, 1],
    [1, 1],
    [0, 0],
  ]);
  return tf.maxPool(padded, 3, 2, 'valid');
}
