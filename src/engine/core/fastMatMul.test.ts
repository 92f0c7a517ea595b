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
