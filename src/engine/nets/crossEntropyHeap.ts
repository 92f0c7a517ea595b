import * as tf from '@tensorflow/tfjs-core';
import { heapHolding, type Heap } from '../core/hostLoops';

/**
 * −mean_b Σ_k t[b, k] · log softmax(z)[b, k] for logits z and targets t (one-hot, or smoothed:
 * any rows), on the wasm heap: the value and its gradient (p_k · Σ_j t_j − t_k)/B in one pass
 * over the B × K logits, in float64 on the host. tfjs's logSoftmax, product, sums and mean, and
 * the autodiff of each, were ~25 small kernels of a step (seed 002's MLP: ~0.4 of its ~3 ms).
 * Null off the heap: the caller keeps the tfjs ops.
 */
export function heapCrossEntropy(logits: tf.Tensor2D, target: tf.Tensor2D): tf.Scalar | null {
  const heap = heapHolding(logits, target);
  if (!heap) return null;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [z, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const { loss, grad } = lossAndGradient(heap, z, target);
    save([grad]);
    return {
      value: loss,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
        tf.mul(saved[0], dy as tf.Tensor),
    };
  });
  return op(logits) as tf.Scalar;
}

function lossAndGradient(
  heap: Heap,
  z: tf.Tensor2D,
  target: tf.Tensor2D,
): { loss: tf.Scalar; grad: tf.Tensor2D } {
  const [B, K] = z.shape;
  const grad = heap.output([B, K]) as tf.Tensor2D;
  const loss = heap.output([]) as tf.Scalar;
  // views after the outputs exist: allocating may grow the heap and detach earlier ones
  const [zs, ts, g] = [heap.view(z), heap.view(target), heap.view(grad)];
  let total = 0;
  for (let o = 0; o < B * K; o += K) {
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, zs[o + k]);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(zs[o + k] - max);
    const lse = max + Math.log(sum);
    let tsum = 0;
    let row = 0;
    for (let k = 0; k < K; k++) {
      tsum += ts[o + k];
      row += ts[o + k] * (zs[o + k] - lse);
    }
    total -= row;
    for (let k = 0; k < K; k++) g[o + k] = (Math.exp(zs[o + k] - lse) * tsum - ts[o + k]) / B;
  }
  heap.view(loss)[0] = total / B;
  return { loss, grad };
}
