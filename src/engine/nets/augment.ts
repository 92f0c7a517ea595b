import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../core/rng';

/**
 * The standard CIFAR augmentation, torchvision's RandomCrop(32, padding=4) followed by
 * RandomHorizontalFlip(), on a batch of NHWC model inputs, with its randomness drawn from a
 * seeded stream per (run seed, epoch, batch): the same seed gives the same augmented batches.
 * Neither seed's training scripts augment; this is the option their CIFAR baselines usually use.
 */
export const CROP_PADDING = 4;

/** Per sample: the crop's top-left corner in the padded image (0 … 2·pad) and the flip. */
export interface AugmentDraw {
  dy: Int32Array;
  dx: Int32Array;
  flip: Uint8Array;
}

export function drawAugmentation(seed: string, count: number, pad = CROP_PADDING): AugmentDraw {
  const rng = createRng(seed);
  const span = 2 * pad + 1;
  const draw: AugmentDraw = {
    dy: new Int32Array(count),
    dx: new Int32Array(count),
    flip: new Uint8Array(count),
  };
  for (let i = 0; i < count; i++) {
    draw.dy[i] = Math.floor(rng.uniform() * span);
    draw.dx[i] = Math.floor(rng.uniform() * span);
    draw.flip[i] = rng.uniform() < 0.5 ? 1 : 0;
  }
  return draw;
}

/**
 * Row indices into the padded batch flattened to [B·Hp·Wp, C] that give the cropped (and
 * flipped) batch: one gather does both, exactly, on every backend.
 */
export function cropFlipIndices(
  draw: AugmentDraw,
  H: number,
  W: number,
  pad = CROP_PADDING,
): Int32Array {
  const B = draw.dy.length;
  const Hp = H + 2 * pad;
  const Wp = W + 2 * pad;
  const out = new Int32Array(B * H * W);
  let o = 0;
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < H; i++) {
      const row = b * Hp * Wp + (draw.dy[b] + i) * Wp + draw.dx[b];
      for (let j = 0; j < W; j++) out[o++] = row + (draw.flip[b] ? W - 1 - j : j);
    }
  }
  return out;
}

/**
 * Crop-with-padding and flip of x [B, H, W, C]. The padding is the value a black pixel has after
 * the dataset's normalisation (`padValues`, one per channel), as torchvision pads the raw image
 * with 0 before normalising. Call inside tf.tidy.
 */
export function augmentBatch(
  x: tf.Tensor4D,
  draw: AugmentDraw,
  padValues: number[],
  pad = CROP_PADDING,
): tf.Tensor4D {
  const [B, H, W, C] = x.shape;
  if (draw.dy.length !== B)
    throw new Error(`augmentation drawn for ${draw.dy.length} samples, batch has ${B}`);
  const v = tf.tensor1d(padValues.length === 1 ? Array<number>(C).fill(padValues[0]) : padValues);
  const padded = tf.add(
    tf.pad(tf.sub(x, v), [
      [0, 0],
      [pad, pad],
      [pad, pad],
      [0, 0],
    ]),
    v,
  );
  const flat = tf.reshape(padded, [B * (H + 2 * pad) * (W + 2 * pad), C]);
  const idx = tf.tensor1d(cropFlipIndices(draw, H, W, pad), 'int32');
  return tf.reshape(tf.gather(flat, idx), [B, H, W, C]);
}
