import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { fastMatMul, fastMatMulConstLeft } from './fastMatMul';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('fastMatMulConstLeft: a·b with a gradient for b only', () => {
  it("gives b the same value and gradient as fastMatMul, and computes no product of a's shape (its unused gradient)", async () => {
    const a = tf.tensor2d(
      Float32Array.from({ length: 6 * 5 }, (_, i) => Math.sin(i)),
      [6, 5],
    );
    const W = tf.variable(
      tf.tensor2d(
        Float32Array.from({ length: 5 * 3 }, (_, i) => Math.cos(i)),
        [5, 3],
      ),
    );
    const full = tf.variableGrads(() => tf.sum(tf.square(fastMatMul(a, W))), [W]);
    let only: ReturnType<typeof tf.variableGrads> | null = null;
    const profile = await tf.profile(() => {
      only = tf.variableGrads(() => tf.sum(tf.square(fastMatMulConstLeft(a, W))), [W]);
    });
    expect(Array.from(await only!.value.data())).toEqual(Array.from(await full.value.data()));
    expect(Array.from(await only!.grads[W.name].data())).toEqual(
      Array.from(await full.grads[W.name].data()),
    );
    const matmulShapes = profile.kernels
      .filter((k) => k.name === 'BatchMatMul')
      .flatMap((k) => k.outputShapes.map((s) => s.slice(-2).join('×')));
    expect(matmulShapes).not.toContain('6×5');
    expect(matmulShapes).toContain('5×3');
    tf.dispose([
      a,
      W,
      full.value,
      only!.value,
      ...Object.values(full.grads),
      ...Object.values(only!.grads),
    ]);
  });
});

describe('a bias joined to the product (one op a dense layer)', () => {
  it('gives the value and the input’s, weight’s and bias’s gradients of the product and biasAdd apart, with or without the input’s gradient', async () => {
    const { biasAdd } = await import('./biasAdd');
    const x = tf.variable(
      tf.tensor2d(
        Float32Array.from({ length: 8 * 5 }, (_, i) => Math.sin(i)),
        [8, 5],
      ),
    );
    const W = tf.variable(
      tf.tensor2d(
        Float32Array.from({ length: 5 * 4 }, (_, i) => Math.cos(i)),
        [5, 4],
      ),
    );
    const b = tf.variable(tf.tensor1d([0.5, -1, 2, 0.25]));
    const vars = [x, W, b];
    const loss = (y: () => tf.Tensor) => () => tf.sum(tf.square(y())) as tf.Scalar;
    const apart = tf.variableGrads(
      loss(() => biasAdd(fastMatMul(x, W), b)),
      vars,
    );
    const joined = tf.variableGrads(
      loss(() => fastMatMul(x, W, b)),
      vars,
    );
    const constLeft = tf.variableGrads(
      loss(() => fastMatMulConstLeft(x, W, b)),
      [W, b],
    );
    const same = async (p: tf.Tensor, q: tf.Tensor) =>
      expect(Array.from(await p.data())).toEqual(Array.from(await q.data()));
    await same(joined.value, apart.value);
    await same(constLeft.value, apart.value);
    for (const v of vars) await same(joined.grads[v.name], apart.grads[v.name]);
    for (const v of [W, b]) await same(constLeft.grads[v.name], apart.grads[v.name]);
    expect(Object.keys(constLeft.grads)).not.toContain(x.name);
    tf.dispose([...vars, apart.value, joined.value, constLeft.value]);
    tf.dispose([apart, joined, constLeft].flatMap((g) => Object.values(g.grads)));
  });
});
