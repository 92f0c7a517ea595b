import * as tf from '@tensorflow/tfjs-core';
import { fastMatMul } from '../fastMatMul';

/**
 * How convolutions are computed. `native` is tf.conv2d, whose gradient needs the
 * Conv2DBackpropFilter kernel (webgl, webgpu, cpu have it; wasm does not, perf-notes.md).
 * `im2col` gathers the k×k taps with pad/slice/reshape and multiplies once (fastMatMul, no
 * transposed operand): every op it uses has a gradient on every backend. Same numbers.
 */
export type ConvMode = 'native' | 'im2col';

/** The mode a backend needs: im2col only where tf.conv2d cannot be differentiated. */
export function convModeFor(backend: string): ConvMode {
  return backend === 'wasm' ? 'im2col' : 'native';
}

/** Output size of a PyTorch Conv2d / pooling window along one axis. */
export function convOutSize(size: number, kernel: number, stride: number, pad: number): number {
  return Math.floor((size + 2 * pad - kernel) / stride) + 1;
}

/**
 * PyTorch Conv2d (zero padding `pad` on every side, no dilation) on NHWC input with an
 * [kh, kw, in, out] filter.
 */
export function conv2d(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  stride: number,
  pad: number,
  mode: ConvMode,
): tf.Tensor4D {
  if (mode === 'native') return tf.conv2d(x, filter, stride, pad);
  return conv2dIm2col(x, filter, stride, pad);
}

export function conv2dIm2col(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  stride: number,
  pad: number,
): tf.Tensor4D {
  const [B, H, W, C] = x.shape;
  const [kh, kw, cin, cout] = filter.shape;
  if (cin !== C) throw new Error(`conv2d: input has ${C} channels, the filter expects ${cin}`);
  const Ho = convOutSize(H, kh, stride, pad);
  const Wo = convOutSize(W, kw, stride, pad);
  if (Ho < 1 || Wo < 1) throw new Error(`conv2d: a ${H}×${W} input is too small for ${kh}×${kw}`);
  // A strided tap takes stride·Ho rows from its offset; pad the far edge so that slice fits.
  const extraH = Math.max(0, kh - 1 + stride * Ho - (H + 2 * pad));
  const extraW = Math.max(0, kw - 1 + stride * Wo - (W + 2 * pad));
  const padded =
    pad > 0 || extraH > 0 || extraW > 0
      ? tf.pad(x, [
          [0, 0],
          [pad, pad + extraH],
          [pad, pad + extraW],
          [0, 0],
        ])
      : x;
  const taps: tf.Tensor4D[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) taps.push(tap(padded, i, j, Ho, Wo, stride));
  }
  // Channel order (i, j, c) matches the row-major [kh, kw, in, out] filter.
  const patches = taps.length === 1 ? taps[0] : tf.concat(taps, 3);
  const rows = tf.reshape(patches, [B * Ho * Wo, kh * kw * C]) as tf.Tensor2D;
  const out = fastMatMul(rows, tf.reshape(filter, [kh * kw * C, cout]) as tf.Tensor2D);
  return tf.reshape(out, [B, Ho, Wo, cout]);
}

/** Rows i, i+s, …, i+s(Ho−1) and the same columns from j: plain slices (StridedSlice has no gradient). */
function tap(
  x: tf.Tensor4D,
  i: number,
  j: number,
  Ho: number,
  Wo: number,
  stride: number,
): tf.Tensor4D {
  const [B, , , C] = x.shape;
  if (stride === 1) return tf.slice(x, [0, i, j, 0], [B, Ho, Wo, C]);
  const block = tf.slice(x, [0, i, j, 0], [B, stride * Ho, stride * Wo, C]);
  const split = tf.reshape(block, [B, Ho, stride, Wo, stride, C]);
  const first = tf.slice(split, [0, 0, 0, 0, 0, 0], [B, Ho, 1, Wo, 1, C]);
  return tf.reshape(first, [B, Ho, Wo, C]);
}
