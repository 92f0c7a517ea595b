import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { createRng } from './rng';
import { fastWasmMaxPoolGrad } from './wasmMaxPoolGrad';

/** MaxPoolGrad as the kernel registered now runs it. */
function poolGrad(x: tf.Tensor4D, dy: tf.Tensor4D, size: number, stride: number): number[] {
  const y = tf.maxPool(x, size, stride, 'valid');
  const attrs = { filterSize: size, strides: stride, pad: 'valid' };
  const dx = tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, attrs) as tf.Tensor;
  return Array.from(dx.dataSync());
}

/** PyTorch's rule, one number at a time: each window's dy to its first largest value. */
function firstMaxGrad(x: tf.Tensor4D, dy: tf.Tensor4D): number[] {
  const [N, H, W, C] = x.shape;
  const [xs, gs] = [x.dataSync(), dy.dataSync()];
  const out = new Array<number>(xs.length).fill(0);
  const at = (n: number, r: number, c: number, k: number) => ((n * H + r) * W + c) * C + k;
  for (let n = 0; n < N; n++)
    for (let i = 0; i < H >> 1; i++)
      for (let j = 0; j < W >> 1; j++)
        for (let k = 0; k < C; k++) {
          let best = at(n, 2 * i, 2 * j, k);
          for (const [r, c] of [
            [0, 1],
            [1, 0],
            [1, 1],
          ]) {
            const p = at(n, 2 * i + r, 2 * j + c, k);
            if (xs[p] > xs[best]) best = p;
          }
          out[best] = gs[((n * (H >> 1) + i) * (W >> 1) + j) * C + k];
        }
  return out;
}

function randomCase(shape: number[], seed: string, ties: boolean) {
  const rng = createRng(seed);
  const [N, H, W, C] = shape;
  const size = N * H * W * C;
  // small integers after a ReLU hold ties in most windows (zeros, equal integers)
  const value = () => (ties ? Math.max(0, Math.round(rng.normal(0, 1.5))) : rng.normal(0, 1));
  const x = tf.tensor4d(Float32Array.from({ length: size }, value), [N, H, W, C]);
  const dyShape: [number, number, number, number] = [N, H >> 1, W >> 1, C];
  const dy = tf.tensor4d(
    Float32Array.from({ length: dyShape.reduce((a, b) => a * b, 1) }, () => rng.normal(0, 1)),
    dyShape,
  );
  return { x, dy };
}

const SHAPES = [
  [2, 5, 7, 6], // odd height and width (the last row and column get no gradient), C mod 4 = 2
  [3, 4, 4, 8],
  [1, 6, 6, 3], // no group of four channels
  [2, 8, 8, 16],
];

/** The cpu backend's kernel on the same numbers (tfjs's own reference implementation). */
async function cpuPoolGrad(x: tf.Tensor4D, dy: tf.Tensor4D): Promise<number[]> {
  await tf.setBackend('cpu');
  const grad = poolGrad(
    tf.tensor4d(x.dataSync(), x.shape),
    tf.tensor4d(dy.dataSync(), dy.shape),
    2,
    2,
  );
  await tf.setBackend('wasm');
  return grad;
}

describe('MaxPool 2 × 2 gradient as one heap loop (wasmMaxPoolGrad.ts)', () => {
  it("equals tfjs's cpu kernel where each window has one largest value, PyTorch's first-largest rule at ties, and leaves other pools to tfjs's wasm kernel", async () => {
    await tf.setBackend('wasm');
    const unique = SHAPES.map((s, i) => randomCase(s, `unique-${i}`, false));
    const ties = SHAPES.map((s, i) => randomCase(s, `ties-${i}`, true));
    const cpu: number[][] = [];
    for (const { x, dy } of unique) cpu.push(await cpuPoolGrad(x, dy));
    const pool3 = poolGrad(ties[3].x, tf.ones([2, 3, 3, 16]), 3, 2);
    fastWasmMaxPoolGrad();
    expect(tf.getKernel('MaxPoolGrad', 'wasm')?.kernelFunc.name).toBe('maxPoolGrad');
    unique.forEach(({ x, dy }, i) => expect(poolGrad(x, dy, 2, 2)).toEqual(cpu[i]));
    for (const { x, dy } of ties) expect(poolGrad(x, dy, 2, 2)).toEqual(firstMaxGrad(x, dy));
    expect(poolGrad(ties[3].x, tf.ones([2, 3, 3, 16]), 3, 2)).toEqual(pool3);
  });
});
