import * as tf from '@tensorflow/tfjs-core';
import { heapHolding, type Heap } from './hostLoops';

/**
 * A layer's bias over its last axis (channels), y + b, with its gradient (dy, Σ dy over every
 * other axis). On wasm both are one loop over the heap (hostLoops.wat `addChannels`,
 * `channelSums`): tfjs's broadcasting Add took 10–20 ns a number there, and its gradient is a
 * Sum over the leading axes, two kernels for every biased layer of a step. Elsewhere tf.add.
 */
export function biasAdd<T extends tf.Tensor>(y: T, b: tf.Tensor1D): T {
  const heap = heapHolding(y, b);
  if (!heap || b.size !== y.shape[y.rank - 1]) return tf.add(y, b);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [ys, bs] = args as [T, tf.Tensor1D];
    return {
      value: addChannels(heap, ys, bs),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
        const g = dy as tf.Tensor;
        return [tf.reshape(g, ys.shape), channelSums(g)];
      },
    };
  });
  return op(y, b) as T;
}

/** y + b over y's last axis, with no gradient of its own: one heap loop on wasm, else tf.add. */
export function addBias<T extends tf.Tensor>(y: T, b: tf.Tensor1D): T {
  const heap = heapHolding(y, b);
  if (!heap || b.size !== y.shape[y.rank - 1]) return tf.add(y, b);
  return addChannels(heap, y, b);
}

/** Σ of `t` over every axis but its last (channels): one heap loop on wasm, else tf.sum. */
export function channelSums(t: tf.Tensor): tf.Tensor1D {
  const C = t.shape[t.rank - 1] ?? 1;
  const heap = heapHolding(t);
  if (!heap || t.rank < 2) return tf.sum(t, [...Array(t.rank - 1).keys()]) as tf.Tensor1D;
  const out = heap.output([C]) as tf.Tensor1D;
  heap.loops.channelSums(heap.offset(t) as number, t.size / C, C, heap.offset(out) as number);
  return out;
}

function addChannels<T extends tf.Tensor>(heap: Heap, y: T, b: tf.Tensor1D): T {
  const out = heap.output(y.shape);
  const at = (t: tf.Tensor) => heap.offset(t) as number;
  heap.loops.addChannels(at(y), at(b), y.size / b.size, b.size, at(out));
  return out as T;
}
