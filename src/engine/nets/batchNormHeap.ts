import * as tf from '@tensorflow/tfjs-core';
import type { Heap } from '../core/hostLoops';

/**
 * BatchNorm's passes on the wasm heap (hostLoops.wat): the statistics, the normalisation and the
 * closed-form gradient of an [n, C] matrix as five loops over it, with the per-channel
 * arithmetic (C numbers) in JavaScript. tfjs ran ~45 kernels a layer for the same (sums as
 * products with ones, x·diag(a) + b as products, the per-channel vectors one kernel per
 * operation), each ~5 µs of bookkeeping: most of a small network's step.
 */

/** The batch statistics a train-mode pass saves for its gradient. */
export interface HeapBatchStats {
  mean: tf.Tensor1D;
  invStd: tf.Tensor1D;
  /** the biased batch variance, for the running statistics */
  variance: Float32Array;
}

/** y = (x − μ)·γ/σ + β over the batch; μ, 1/σ and the variance returned beside it. */
export function heapNormalise(
  heap: Heap,
  x: tf.Tensor2D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps: number,
): { y: tf.Tensor2D; stats: HeapBatchStats } {
  const [n, C] = x.shape;
  const mean = heap.output([C]) as tf.Tensor1D;
  const invStd = heap.output([C]) as tf.Tensor1D;
  const scale = heap.output([C]) as tf.Tensor1D;
  const y = heap.output([n, C]) as tf.Tensor2D;
  const at = offsets(heap, { x, gamma, beta, mean, invStd, scale, y });
  heap.loops.channelSums(at.x, n, C, at.mean);
  const m = heap.view(mean);
  for (let c = 0; c < C; c++) m[c] /= n;
  heap.loops.channelCentredSquares(at.x, at.mean, n, C, at.invStd);
  const [s, g, a] = [heap.view(invStd), heap.view(gamma), heap.view(scale)];
  const variance = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    variance[c] = s[c] / n;
    s[c] = 1 / Math.sqrt(variance[c] + eps);
    a[c] = g[c] * s[c];
  }
  heap.loops.channelAffineCentred(at.x, at.mean, at.scale, at.beta, n, C, at.y);
  scale.dispose();
  return { y, stats: { mean, invStd, variance } };
}

/**
 * The gradients of heapNormalise given dy: dβ = Σ dy, dγ = Σ dy·x̂ and
 * dx = γ/σ·(dy − dβ/n − x̂·dγ/n), x̂ = (x − μ)/σ (PyTorch's BatchNorm backward).
 */
export function heapNormaliseGrad(
  heap: Heap,
  dy: tf.Tensor2D,
  x: tf.Tensor2D,
  gamma: tf.Tensor1D,
  mean: tf.Tensor1D,
  invStd: tf.Tensor1D,
): [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D] {
  const [n, C] = x.shape;
  const dBeta = heap.output([C]) as tf.Tensor1D;
  const dGamma = heap.output([C]) as tf.Tensor1D;
  const coef = heap.output([3 * C]) as tf.Tensor1D;
  const dx = heap.output([n, C]) as tf.Tensor2D;
  const at = offsets(heap, { dy, x, gamma, mean, invStd, dBeta, dGamma, coef, dx });
  heap.loops.channelGradSums(at.dy, at.x, at.mean, n, C, at.dBeta, at.dGamma);
  const [g, s, db, dg, k] = [gamma, invStd, dBeta, dGamma, coef].map((t) => heap.view(t));
  for (let c = 0; c < C; c++) {
    const scale = g[c] * s[c];
    k[c] = scale; // dy's coefficient
    k[C + c] = (scale * s[c] * s[c] * dg[c]) / -n; // (x − μ)'s: −γσ⁻³·Σ dy·(x − μ)/n
    k[2 * C + c] = (scale * db[c]) / -n; // the constant: −γσ⁻¹·Σ dy/n
    dg[c] *= s[c]; // Σ dy·x̂
  }
  const bytes = 4 * C;
  heap.loops.channelInputGrad(
    at.dy,
    at.x,
    at.mean,
    at.coef,
    at.coef + bytes,
    at.coef + 2 * bytes,
    n,
    C,
    at.dx,
  );
  coef.dispose();
  return [dx, dGamma, dBeta];
}

/** y = (x − μ)·a + b with per-channel μ, a, b given as numbers (eval mode's running statistics). */
export function heapAffine(
  heap: Heap,
  x: tf.Tensor2D,
  mean: tf.Tensor1D,
  scale: Float32Array,
  shift: tf.Tensor1D,
): tf.Tensor2D {
  const [n, C] = x.shape;
  const a = heap.output([C]) as tf.Tensor1D;
  const y = heap.output([n, C]) as tf.Tensor2D;
  const at = offsets(heap, { x, mean, a, shift, y });
  heap.view(a).set(scale);
  heap.loops.channelAffineCentred(at.x, at.mean, at.a, at.shift, n, C, at.y);
  a.dispose();
  return y;
}

/** Every tensor's byte offset in the heap (each must have one: float32 tensors of wasm). */
function offsets<K extends string>(heap: Heap, tensors: Record<K, tf.Tensor>): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const key of Object.keys(tensors) as K[]) {
    const at = heap.offset(tensors[key]);
    if (at === null || tensors[key].dtype !== 'float32') {
      throw new Error(`BatchNorm on the wasm heap: ${key} has no float32 place in the heap`);
    }
    out[key] = at;
  }
  return out;
}
