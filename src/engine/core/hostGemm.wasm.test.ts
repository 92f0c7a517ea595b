/** On wasm: the lab's own product (hostLoops.wat `gemm`) against XNNPACK's, number for number. */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend';
import { HOST_MATMUL_KERNEL, blockRows, hostMatMul, setBlockBytes, setHostGemm } from './hostGemm';
import { normalMatrix as matrix } from '../testing/matrices';

beforeAll(async () => {
  await initBackend('wasm');
});
afterEach(() => {
  setHostGemm(true);
  setBlockBytes();
});
afterAll(async () => {
  await initBackend('cpu');
});

/** Same numbers, signs of zero and NaNs included (toEqual on typed arrays compares with Object.is). */
function sameBits(a: tf.Tensor, b: tf.Tensor): void {
  expect(a.shape).toEqual(b.shape);
  expect(a.dataSync()).toEqual(b.dataSync());
}

describe('the heap product on wasm', () => {
  it('gives tf.matMul’s numbers to the last bit (the network steps’ shapes, K = 1, one tile, rows not a multiple of 4)', () => {
    for (const [M, K, N] of [
      [128, 512, 512],
      [128, 3072, 512],
      [512, 128, 512],
      [16, 3072, 256],
      [4, 1, 8],
      [4, 7, 8],
      [12, 33, 24],
      // the last M mod 4 rows go one at a time (a UFM of K = 10 classes, 10 × d · d × d)
      [1, 5, 8],
      [2, 64, 16],
      [3, 9, 8],
      [10, 2048, 64],
      [7, 100, 40],
    ]) {
      const a = matrix(M, K, M + K);
      const b = matrix(K, N, K + N);
      const mine = hostMatMul(a, b) as tf.Tensor2D;
      const xnn = tf.matMul(a, b);
      sameBits(mine, xnn);
      tf.dispose([a, b, mine, xnn]);
    }
  });

  it('carries the sums from one block of k to the next without changing a bit, whatever the block', () => {
    const a = matrix(11, 100, 1); // 8 rows in tiles of 4, then 3 one at a time
    const b = matrix(100, 16, 2);
    const xnn = tf.matMul(a, b);
    // blocks of 1, 3, 37 and 100 rows of b (the last ragged for 3 and 37)
    for (const rows of [1, 3, 37, 100]) {
      setBlockBytes(rows * 4 * 16);
      expect(blockRows(100, 16)).toBe(rows);
      const mine = hostMatMul(a, b) as tf.Tensor2D;
      sameBits(mine, xnn);
      mine.dispose();
    }
    tf.dispose([a, b, xnn]);
  });

  it('sums from +0 as XNNPACK does (an all −0 row gives +0), passes NaN and infinities through, and gives zeros for K = 0', () => {
    // the fifth row, −0s again, is the one-row tail's
    const a = tf.tensor2d([-0, -0, 1, 2, NaN, 0, Infinity, 1, -0, -0], [5, 2]);
    const b = tf.tensor2d(
      Array.from({ length: 16 }, (_, i) => (i === 3 ? -0 : i - 4)),
      [2, 8],
    );
    const mine = hostMatMul(a, b) as tf.Tensor2D;
    const xnn = tf.matMul(a, b);
    sameBits(mine, xnn);
    expect(Object.is(mine.dataSync()[0], 0)).toBe(true);
    expect(Object.is(mine.dataSync()[32], 0)).toBe(true);
    const empty = hostMatMul(tf.zeros([5, 0]), tf.zeros([0, 8])) as tf.Tensor2D;
    expect(Array.from(empty.dataSync())).toEqual(new Array(40).fill(0));
    tf.dispose([a, b, mine, xnn, empty]);
  });

  it('runs as one kernel of its own, which tf.profile records with its operands’ shapes', async () => {
    const a = matrix(12, 16, 1);
    const b = matrix(16, 8, 2);
    let out: tf.Tensor | null = null;
    const profile = await tf.profile(() => {
      out = hostMatMul(a, b);
    });
    const seen = profile.kernels.map((k) => [k.name, k.inputShapes, k.outputShapes]);
    expect(seen).toEqual([
      [
        HOST_MATMUL_KERNEL,
        [
          [12, 16],
          [16, 8],
        ],
        [[12, 8]],
      ],
    ]);
    tf.dispose([a, b, out as unknown as tf.Tensor]);
  });

  it('is null where it does not run: N not a multiple of 8, mismatched K, switched off, another backend', async () => {
    const a = matrix(6, 16, 1);
    const b = matrix(16, 8, 2);
    const c = matrix(16, 10, 3);
    const d = matrix(8, 16, 4);
    expect(hostMatMul(a, c)).toBeNull();
    expect(hostMatMul(d, c)).toBeNull();
    expect(hostMatMul(d, d)).toBeNull();
    setHostGemm(false);
    expect(hostMatMul(d, b)).toBeNull();
    setHostGemm(true);
    await initBackend('cpu');
    const e = matrix(8, 16, 5);
    const f = matrix(16, 8, 6);
    expect(hostMatMul(e, f)).toBeNull();
    tf.dispose([e, f]);
    await initBackend('wasm');
    tf.dispose([a, b, c, d]);
  });
});
