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

  it('a step that reads only the gradient gets the same gradients, a value of 0 and no square or sum kernel', async () => {
    await tf.setBackend(backend);
    const A = tf.variable(tf.tensor2d([1.5, -2, 0.25, 3, -0.5, 4], [2, 3]));
    const valued = tf.variableGrads(() => decay(5e-4, [A]), [A]);
    let bare: ReturnType<typeof tf.variableGrads> | null = null;
    const profile = await tf.profile(() => {
      bare = tf.variableGrads(() => decay(5e-4, [A], { value: false }), [A]);
    });
    expect(await bare!.value.data()).toEqual(new Float32Array([0]));
    expect(Array.from(await bare!.grads[A.name].data())).toEqual(
      Array.from(await valued.grads[A.name].data()),
    );
    expect(profile.kernels.map((k) => k.name).filter((n) => n === 'Square' || n === 'Sum')).toEqual(
      [],
    );
    tf.dispose([
      A,
      valued.value,
      bare!.value,
      ...Object.values(valued.grads),
      ...Object.values(bare!.grads),
    ]);
  });
});
