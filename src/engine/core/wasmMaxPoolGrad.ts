import * as tf from '@tensorflow/tfjs-core';
import { wasmHeap } from './hostLoops';

/**
 * wasm's MaxPoolGrad kernel is a plain loop outside XNNPACK: VGG16 ⅛'s five 2 × 2 pools took
 * 4.9 ms of a 44 ms step for their gradients. This replaces it, for 2 × 2 windows of stride 2
 * without padding (nn.MaxPool2d(2, 2), layers.ts), by one loop over the heap (hostLoops.wat,
 * four channels at a time) that gives each window's gradient to its first largest value, as
 * PyTorch and tfjs's cpu kernel do. (tfjs's wasm kernel breaks ties otherwise, and misplaces
 * gradients for a batch of more than one image of odd height or width.) Other pools, and
 * runtimes without the loops, keep tfjs's kernel.
 */
export function fastWasmMaxPoolGrad(): void {
  const tfjs = tf.getKernel('MaxPoolGrad', 'wasm');
  if (!tfjs || tfjs.kernelFunc === maxPoolGrad) return;
  tfjsMaxPoolGrad = tfjs.kernelFunc;
  tf.unregisterKernel('MaxPoolGrad', 'wasm');
  tf.registerKernel({ ...tfjs, kernelFunc: maxPoolGrad });
}

let tfjsMaxPoolGrad: tf.KernelFunc | null = null;

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: unknown; // 'valid', 'same', a number or explicit padding
}

const isTwo = (v: number | number[]) => (Array.isArray(v) ? v.every((k) => k === 2) : v === 2);

const maxPoolGrad: tf.KernelFunc = (args) => {
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad } = args.attrs as unknown as PoolAttrs;
  const heap = wasmHeap();
  const plain =
    isTwo(filterSize) &&
    isTwo(strides) &&
    (pad === 'valid' || pad === 0) &&
    input.dtype === 'float32';
  const [x, g] = heap && plain ? [heap.offset(input), heap.offset(dy)] : [null, null];
  if (!heap || x === null || g === null) return (tfjsMaxPoolGrad as tf.KernelFunc)(args);
  const [N, H, W, C] = input.shape;
  const out = heap.outputInfo(input.shape);
  heap.loops.maxPool2x2Grad(x, g, N, H, W, C, heap.offset(out) as number);
  return out;
};
