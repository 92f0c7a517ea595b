import * as tf from '@tensorflow/tfjs-core';
import { heapHolding } from './hostLoops';

/**
 * tfjs's gradient of Relu is dy · step(x): Step, Cast and Multiply, three kernels and two
 * temporary tensors for every ReLU of a step (ResNet18 ⅛ has 17, VGG16 ⅛ 13). On wasm one loop
 * over the heap does it (hostLoops.wat `reluGrad`, four numbers at a time): dy where x > 0,
 * else 0, PyTorch's threshold_backward. Other backends, and runtimes without the loops, keep
 * tfjs's phrasing. The gradient is registered for the kernel, so every tf.relu gets it.
 */
export const RELU_GRAD_KERNEL = 'NcLabReluGrad';

export function fastWasmReluGrad(): void {
  if (!tf.getKernel(RELU_GRAD_KERNEL, 'wasm')) {
    tf.registerKernel({ kernelName: RELU_GRAD_KERNEL, backendName: 'wasm', kernelFunc });
  }
  if (tf.getGradient('Relu') === reluGradConfig) return;
  tf.registerGradient(reluGradConfig);
}

const reluGradConfig: tf.GradConfig = {
  kernelName: 'Relu',
  inputsToSave: ['x'],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
    const [x] = saved;
    const g = dy as tf.Tensor;
    return { x: () => reluGrad(g, x) };
  },
};

/** ReLU's input gradient for an input x: the heap loop on wasm, else tfjs's own phrasing. */
export function reluGrad(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  if (onHeap(dy, x)) return tf.engine().runKernel(RELU_GRAD_KERNEL, { x, dy }) as tf.Tensor;
  return tf.mul(dy, tf.cast(tf.step(x), 'float32'));
}

function onHeap(dy: tf.Tensor, x: tf.Tensor): boolean {
  if (x.size !== dy.size || !tf.getKernel(RELU_GRAD_KERNEL, tf.getBackend())) return false;
  return heapHolding(x, dy) !== null;
}

const kernelFunc: tf.KernelFunc = ({ inputs }) => {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const heap = heapHolding(x, dy);
  if (!heap) {
    throw new Error(`${RELU_GRAD_KERNEL}: x and dy must be float32 tensors in the wasm heap`);
  }
  const out = heap.outputInfo(x.shape);
  const at = (t: tf.TensorInfo) => heap.offset(t) as number;
  heap.loops.reluGrad(
    at(x),
    at(dy),
    x.shape.reduce((a, b) => a * b, 1),
    at(out),
  );
  return out;
};
