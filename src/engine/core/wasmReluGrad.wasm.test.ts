import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';
import { createRng } from './rng';
import { RELU_GRAD_KERNEL, fastWasmReluGrad } from './wasmReluGrad';

/** ∂/∂x of Σ relu(x)·w, through whatever gradient is registered for Relu now. */
function reluInputGrad(x: tf.Tensor, w: tf.Tensor): number[] {
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), w)))(x);
  // tfjs's dy · 0 is −0 for a negative dy, the mask's +0 (PyTorch's): the same number
  return Array.from(g.dataSync(), (v) => v + 0);
}

function randomCase(size: number, seed: string) {
  const rng = createRng(seed);
  // a third exactly zero (relu's kink: no gradient there, as in PyTorch and tfjs), a third below
  const x = Float32Array.from({ length: size }, (_, i) => (i % 3 === 0 ? 0 : rng.normal(0, 1)));
  const w = Float32Array.from({ length: size }, () => rng.normal(0, 1));
  return { x: tf.tensor1d(x), w: tf.tensor1d(w) };
}

/** tfjs's own gradient of Relu (dy · step(x)) on the cpu backend, on the same numbers. */
async function cpuGrad(x: tf.Tensor, w: tf.Tensor): Promise<number[]> {
  await tf.setBackend('cpu');
  const grad = reluInputGrad(tf.tensor(x.dataSync(), x.shape), tf.tensor(w.dataSync(), w.shape));
  await tf.setBackend('wasm');
  return grad;
}

describe('ReLU gradient as one heap loop (wasmReluGrad.ts)', () => {
  it("equals tfjs's dy · step(x) on the cpu backend, for sizes not a multiple of four, and runs one kernel instead of three", async () => {
    await tf.setBackend('wasm');
    const cases = [1, 3, 4, 7, 64, 1029].map((n) => randomCase(n, `relu-${n}`));
    const expected: number[][] = [];
    for (const { x, w } of cases) expected.push(await cpuGrad(x, w));
    fastWasmReluGrad();
    cases.forEach(({ x, w }, i) => expect(reluInputGrad(x, w)).toEqual(expected[i]));
    const { x, w } = cases[5];
    const profile = await tf.profile(() => reluInputGrad(x, w));
    const names = profile.kernels.map((k) => k.name);
    expect(names).toContain(RELU_GRAD_KERNEL);
    expect(names).not.toContain('Step');
  });

  it("gives 0 where x ≤ 0 even for a NaN or infinite dy, and 0 for a NaN x, as PyTorch's threshold_backward", async () => {
    await tf.setBackend('wasm');
    fastWasmReluGrad();
    const x = tf.tensor1d([-1, 0, 2, NaN, -3, 5]);
    const w = tf.tensor1d([NaN, Infinity, 3, 1, -Infinity, NaN]);
    expect(reluInputGrad(x, w)).toEqual([0, 0, 3, 0, 0, NaN]);
  });

  it("keeps tfjs's phrasing on backends without the heap", async () => {
    fastWasmReluGrad();
    await tf.setBackend('cpu');
    const x = tf.tensor1d([-1, 0, 2]);
    const profile = await tf.profile(() => reluInputGrad(x, tf.ones([3])));
    expect(profile.kernels.map((k) => k.name)).toContain('Step');
    expect(reluInputGrad(x, tf.tensor1d([4, 5, 6]))).toEqual([0, 0, 6]);
    await tf.setBackend('wasm');
  });
});
