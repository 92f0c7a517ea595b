import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../core/rng';
import type { Backbone } from './backbone';
import { BatchNorm, Conv2d, globalAvgPool, type ForwardMode } from './layers';
import type { ParamStore } from './params';

/** Channels of a reference width under the width multiplier (at least 1). */
export function scaledWidth(channels: number, widthMult: number): number {
  return Math.max(1, Math.round(channels * widthMult));
}

/** How a BasicBlock names its projection shortcut and initialises its convolutions. */
export interface BlockStyle {
  /** `shortcut` (kuangliu's CIFAR ResNet) or `downsample` (torchvision). */
  shortcutName: string;
  init: 'default' | 'kaiming-fan-out';
}

const CIFAR_BLOCK: BlockStyle = { shortcutName: 'shortcut', init: 'default' };

/** torchvision-style BasicBlock of the CIFAR ResNet: 3×3 conv–BN–ReLU–3×3 conv–BN + shortcut, ReLU. */
export class BasicBlock {
  private readonly conv1: Conv2d;
  private readonly bn1: BatchNorm;
  private readonly conv2: Conv2d;
  private readonly bn2: BatchNorm;
  private readonly shortcut: { conv: Conv2d; bn: BatchNorm } | null;

  constructor(
    store: ParamStore,
    rng: Rng,
    name: string,
    inCh: number,
    outCh: number,
    stride: number,
    style: BlockStyle = CIFAR_BLOCK,
  ) {
    const { init, shortcutName: sc } = style;
    this.conv1 = new Conv2d(store, rng, `${name}.conv1`, inCh, outCh, 3, stride, 1, {
      bias: false,
      init,
    });
    this.bn1 = new BatchNorm(store, `${name}.bn1`, outCh, 'backbone');
    this.conv2 = new Conv2d(store, rng, `${name}.conv2`, outCh, outCh, 3, 1, 1, {
      bias: false,
      init,
    });
    this.bn2 = new BatchNorm(store, `${name}.bn2`, outCh, 'backbone');
    this.shortcut =
      stride !== 1 || inCh !== outCh
        ? {
            conv: new Conv2d(store, rng, `${name}.${sc}.0`, inCh, outCh, 1, stride, 0, {
              bias: false,
              init,
            }),
            bn: new BatchNorm(store, `${name}.${sc}.1`, outCh, 'backbone'),
          }
        : null;
  }

  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor4D {
    let y = tf.relu(this.bn1.apply(this.conv1.apply(x, mode), mode));
    y = this.bn2.apply(this.conv2.apply(y, mode), mode);
    const s = this.shortcut ? this.shortcut.bn.apply(this.shortcut.conv.apply(x, mode), mode) : x;
    return tf.relu(tf.add(y, s));
  }
}

/**
 * seed 000's CIFAR ResNet18 (models/resnet.py): 3×3 stem conv (no bias) + BN + ReLU, no
 * max-pool; BasicBlock stages [2, 2, 2, 2] of 64, 128, 256, 512 channels (× widthMult), strides
 * 1, 2, 2, 2; average pool; flatten; BatchNorm1d → h. PyTorch default initialisation.
 */
export class ResNet18 implements Backbone {
  readonly featureDim: number;
  private readonly stem: Conv2d;
  private readonly stemBn: BatchNorm;
  private readonly blocks: BasicBlock[] = [];
  private readonly featureBn: BatchNorm;

  constructor(store: ParamStore, rng: Rng, inChannels: number, widthMult: number) {
    const w = (c: number) => scaledWidth(c, widthMult);
    // the network's input: no input gradient
    this.stem = new Conv2d(store, rng, 'conv1', inChannels, w(64), 3, 1, 1, {
      bias: false,
      inputGrad: false,
    });
    this.stemBn = new BatchNorm(store, 'bn1', w(64), 'backbone');
    let inCh = w(64);
    [64, 128, 256, 512].forEach((c, stage) => {
      for (let b = 0; b < 2; b++) {
        const stride = b === 0 && stage > 0 ? 2 : 1;
        this.blocks.push(new BasicBlock(store, rng, `layer${stage + 1}.${b}`, inCh, w(c), stride));
        inCh = w(c);
      }
    });
    this.featureBn = new BatchNorm(store, 'bn_features', inCh, 'backbone');
    this.featureDim = inCh;
  }

  apply(x: tf.Tensor, mode: ForwardMode): tf.Tensor2D {
    let y = tf.relu(this.stemBn.apply(this.stem.apply(x as tf.Tensor4D, mode), mode));
    for (const block of this.blocks) y = block.apply(y, mode);
    return this.featureBn.apply(globalAvgPool(y), mode);
  }
}
