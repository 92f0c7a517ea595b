import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../core/rng';
import type { Backbone } from './backbone';
import { convOutSize } from './conv';
import { BatchNorm, Conv2d, maxPool2x2, type ForwardMode } from './layers';
import type { ParamStore } from './params';
import { scaledWidth } from './resnet';

/** VGG16's configuration 'D': channel counts, 'M' = 2×2 max-pool. */
export const VGG16_CFG = [
  64,
  64,
  'M',
  128,
  128,
  'M',
  256,
  256,
  256,
  'M',
  512,
  512,
  512,
  'M',
  512,
  512,
  512,
  'M',
] as const;

type Stage = { conv: Conv2d; bn: BatchNorm } | 'M';

/**
 * seed 000's VGG16 (models/vgg.py): each number is Conv3×3(pad 1, bias) + BN2d + ReLU, 'M' a
 * 2×2 max-pool; AvgPool2d(1, 1) (the identity), flatten, BatchNorm1d → h. At 32×32 the maps end
 * 1×1, so h has 512 (× widthMult) entries. PyTorch default initialisation.
 */
export class Vgg16 implements Backbone {
  readonly featureDim: number;
  private readonly stages: Stage[] = [];
  private readonly featureBn: BatchNorm;

  constructor(store: ParamStore, rng: Rng, inputShape: readonly number[], widthMult: number) {
    let [H, W, inCh] = inputShape;
    let index = 0;
    for (const item of VGG16_CFG) {
      if (item === 'M') {
        H = convOutSize(H, 2, 2, 0);
        W = convOutSize(W, 2, 2, 0);
        if (H < 1 || W < 1) {
          throw new Error(
            `VGG16 needs inputs of at least 32×32 (five 2×2 max-pools); got ${inputShape[0]}×${inputShape[1]}`,
          );
        }
        this.stages.push('M');
        index += 1;
        continue;
      }
      const out = scaledWidth(item, widthMult);
      // the first is fed the network's input: no input gradient
      const first = this.stages.length === 0;
      const conv = new Conv2d(store, rng, `features.${index}`, inCh, out, 3, 1, 1, {
        bias: true,
        inputGrad: !first,
      });
      const bn = new BatchNorm(store, `features.${index + 1}`, out, 'backbone');
      this.stages.push({ conv, bn });
      index += 3;
      inCh = out;
    }
    this.featureDim = inCh * H * W;
    this.featureBn = new BatchNorm(store, 'bn_features', this.featureDim, 'backbone');
  }

  apply(x: tf.Tensor, mode: ForwardMode): tf.Tensor2D {
    let y = x as tf.Tensor4D;
    for (const s of this.stages) {
      y = s === 'M' ? maxPool2x2(y) : tf.relu(s.bn.apply(s.conv.apply(y, mode), mode));
    }
    const flat = tf.reshape(y, [y.shape[0], -1]) as tf.Tensor2D;
    return this.featureBn.apply(flat, mode);
  }
}
