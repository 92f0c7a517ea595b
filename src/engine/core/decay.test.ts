import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { afterAll, describe, expect, it } from 'vitest';
import { decay } from './decay';

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe.each(['cpu', 'wasm'])('decay on %s', (backend) => {
  it('value and gradients are bit-identical to autodiff of λ/2 Σ‖X‖² (the UFM oracle trajectories rely on it)', async () => {
    await tf.setBackend(backend);
    const lambda = 5e-4;
    const vals = (n: number, seed: number) =>
      Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + seed) * (1 + (i % 13)));
    const A = tf.variable(tf.tensor2d(vals(35, 1), [5, 7]));
    const B = tf.variable(tf.tensor2d(vals(12, 2), [3, 4]));
    const autodiff = tf.variableGrads(
      () => tf.mul(tf.addN([A, B].map((x) => tf.sum(tf.square(x)))), lambda / 2) as tf.Scalar,
      [A, B],
    );
    const direct = tf.variableGrads(() => decay(lambda, [A, B]), [A, B]);
    expect(Array.from(await direct.value.data())).toEqual(Array.from(await autodiff.value.data()));
    for (const v of [A, B]) {
      const g = Array.from(await direct.grads[v.name].data());
      expect(g).toEqual(Array.from(await autodiff.grads[v.name].data()));
      expect(g.some((x) => x !== 0)).toBe(true);
    }
    tf.dispose([
      A,
      B,
      autodiff.value,
      direct.value,
      ...Object.values(autodiff.grads),
      ...Object.values(direct.grads),
    ]);
  });
});
