import * as tf from '@tensorflow/tfjs-core';
import { heapHolding } from './hostLoops';

/**
 * The lab's own convolution on the wasm heap (hostLoops.wat `conv`), registered as a tfjs
 * kernel so that `tf.profile` and the efficiency bench see it. XNNPACK packs a convolution's
 * filter before it multiplies, and in a training step every filter is new: the weights were
 * just updated, and the weight gradient is a convolution whose filter is dy. On ResNet18 ⅛ the
 * packing made the step's convolutions 1.4× their time at XNNPACK's best. This one reads x and
 * the filter where they lie and gives XNNPACK's numbers to the last bit: the same float32
 * products added in the same order (hostConv.wasm.test.ts).
 */
export const HOST_CONV_KERNEL = 'NcLabConv2D';

/** tf.conv2d's padding: symmetric, tfjs's 'same' / 'valid', or per side. */
export type ConvPad = number | 'same' | 'valid' | tf.backend_util.ExplicitPadding;

export interface HostConvAttrs {
  strides: number;
  pad: ConvPad;
  dilations: number;
}

/**
 * tf.conv2d (NHWC, + bias) on the heap; null where it does not run: another backend, no wasm
 * SIMD, out channels not a multiple of 8. The caller then calls tfjs (with tfjs's thread pool it
 * asks heapTuner.ts which of the two is faster for the shape).
 */
export function hostConv2d(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  attrs: HostConvAttrs,
  bias: tf.Tensor1D | null = null,
): tf.Tensor4D | null {
  if (!enabled || !plan(x.shape, filter.shape, attrs)) return null;
  if (!heapHolding(...(bias ? [x, filter, bias] : [x, filter]))) return null;
  if (!tf.getKernel(HOST_CONV_KERNEL, 'wasm')) {
    tf.registerKernel({ kernelName: HOST_CONV_KERNEL, backendName: 'wasm', kernelFunc });
  }
  const inputs: tf.NamedTensorMap = bias ? { x, filter, bias } : { x, filter };
  const named = attrs as unknown as tf.NamedAttrMap;
  return tf.engine().runKernel(HOST_CONV_KERNEL, inputs, named) as tf.Tensor4D;
}

let enabled = true;

/** Off: every convolution goes to tfjs as before (tests of that path, A/B timings). */
export function setHostConv(on: boolean): void {
  enabled = on;
}

/**
 * The convolution's output size and padding (tfjs's computeConv2DInfo), or null where the heap
 * loop does not run it: no channels in (an empty sum, and no row of zeros to point at), out
 * channels not a multiple of 8, a stride and a dilation both above 1 (tf.conv2d refuses that
 * with its own message), no output.
 */
function plan(xShape: number[], filterShape: number[], a: HostConvAttrs) {
  if (xShape[3] < 1 || filterShape[2] !== xShape[3] || filterShape[3] % 8 !== 0) return null;
  if (a.strides > 1 && a.dilations > 1) return null;
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides,
    a.dilations,
    a.pad,
  );
  return info.batchSize * info.outHeight * info.outWidth > 0 ? info : null;
}

const kernelFunc: tf.KernelFunc = ({ inputs, attrs }) => {
  const { x, filter, bias } = inputs as Record<string, tf.TensorInfo | undefined>;
  const a = attrs as unknown as HostConvAttrs;
  const heap = x && filter && heapHolding(...[x, filter, ...(bias ? [bias] : [])]);
  const info = x && filter && plan(x.shape, filter.shape, a);
  if (!x || !filter || !heap || !info) {
    throw new Error(
      `${HOST_CONV_KERNEL}: needs float32 tensors in the wasm heap, filter channels matching x's, out channels a multiple of 8 (got [${x?.shape.join(', ')}] * [${filter?.shape.join(', ')}])`,
    );
  }
  const [B, H, W, C] = x.shape;
  const [kh, kw, , O] = filter.shape;
  const out = heap.outputInfo([B, info.outHeight, info.outWidth, O]);
  // the row XNNPACK's indirection points taps in the padding at
  const zeros = heap.outputInfo([C]);
  heap.view(zeros).fill(0);
  const at = (t: tf.TensorInfo) => heap.offset(t) as number;
  heap.loops.conv(
    at(x),
    at(filter),
    bias ? at(bias) : 0,
    at(zeros),
    at(out),
    B,
    H,
    W,
    C,
    info.outHeight,
    info.outWidth,
    O,
    kh,
    kw,
    a.strides,
    a.dilations,
    info.padInfo.top,
    info.padInfo.left,
  );
  tf.backend().disposeData(zeros.dataId);
  return out;
};
