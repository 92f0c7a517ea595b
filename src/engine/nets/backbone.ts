import type * as tf from '@tensorflow/tfjs-core';
import type { ForwardMode } from './layers';

/** The feature extractor in front of the deep linear head. */
export interface Backbone {
  /** Dimension of the features h (the input of W_1). */
  readonly featureDim: number;
  /** Input: flat [B, D] for MLPs, NHWC [B, H, W, C] for convolutional nets. Output: h, [B, d]. */
  apply(x: tf.Tensor, mode: ForwardMode): tf.Tensor2D;
}
