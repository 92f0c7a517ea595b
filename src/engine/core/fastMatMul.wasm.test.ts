/** On wasm: the tiled transpose (hostTranspose.ts) and the flipped products it serves. */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initBackend } from './backend';
import { fastMatMul, fastMatMulConstLeft, freshRightProduct } from './fastMatMul';
import { HOST_MATMUL_KERNEL, setHostGemm } from './hostGemm';
import { hostTranspose } from './hostTranspose';
import { normalMatrix as matrix } from '../testing/matrices';

beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(async () => {
  await initBackend('cpu');
});

/** The kernels `f` runs, from tfjs's profiler. */
async function kernelsOf(
  f: () => tf.Tensor | tf.Tensor[],
): Promise<Awaited<ReturnType<typeof tf.profile>>['kernels']> {
  let out: tf.Tensor | tf.Tensor[] = [];
  const profile = await tf.profile(() => {
    out = f();
  });
  tf.dispose(out);
  return profile.kernels;
}

/** The products' output shapes of `f`, from tfjs's profiler. */
async function productShapes(f: () => tf.Tensor): Promise<string[]> {
  return (await kernelsOf(f))
    .filter((k) => k.name === 'BatchMatMul')
    .flatMap((k) => k.outputShapes.map((s) => s.slice(-2).join('×')));
}

describe('a layer’s products on the heap (hostGemm.ts), on one wasm thread', () => {
  it('runs the value and both gradients as heap products, with no tfjs Transpose or BatchMatMul, and XNNPACK’s numbers', async () => {
    // seed 000's hidden layer, batch 128
    const x = matrix(128, 512, 5);
    const W = tf.variable(matrix(512, 512, 6));
    const objective = () => tf.sum(tf.square(fastMatMul(x, W))) as tf.Scalar;
    const kernels = await kernelsOf(() => {
      const { value, grads } = tf.variableGrads(objective, [W]);
      return [value, ...Object.values(grads)];
    });
    const names = kernels.map((k) => k.name);
    // the value, the weight's gradient and the input's (a custom gradient computes every input's)
    expect(names.filter((n) => n === HOST_MATMUL_KERNEL)).toHaveLength(3);
    expect(names.filter((n) => n === 'BatchMatMul' || n === 'Transpose')).toEqual([]);
    // the input's gradient too (dY·Wᵀ: W transposed on the heap, then a heap product), against
    // XNNPACK's phrasing of the same products (tf.matMul's own gradient would use transposed
    // operands, summed in another order)
    const xv = tf.variable(x);
    const grads = () =>
      tf.variableGrads(() => tf.sum(tf.square(fastMatMul(xv, W))) as tf.Scalar, [xv, W]);
    const mine = grads();
    setHostGemm(false);
    const xnn = grads();
    setHostGemm(true);
    expect(mine.value.dataSync()).toEqual(xnn.value.dataSync());
    for (const v of [xv, W]) {
      expect(mine.grads[v.name].dataSync()).toEqual(xnn.grads[v.name].dataSync());
    }
    tf.dispose([x, W, xv, mine.value, xnn.value]);
    tf.dispose([...Object.values(mine.grads), ...Object.values(xnn.grads)]);
  });
});

describe('a product with a new right operand at every call, on wasm, where XNNPACK runs it', () => {
  // threaded wasm, where XNNPACK spreads a product over its threads, takes this phrasing
  beforeEach(() => setHostGemm(false));
  afterEach(() => setHostGemm(true));

  it('flips a wide layer fed a small batch to (Wᵀ·xᵀ)ᵀ, with the same numbers to the last bit', async () => {
    // seed 002's first layer: 16 × 3 072 · 3 072 × 256
    const x = matrix(16, 3072, 1);
    const W = matrix(3072, 256, 2);
    expect(await productShapes(() => freshRightProduct(x, W))).toEqual(['256×16']);
    const mine = freshRightProduct(x, W);
    const plain = tf.matMul(x, W);
    expect(mine.shape).toEqual([16, 256]);
    expect(mine.dataSync()).toEqual(plain.dataSync());
    tf.dispose([x, W, mine, plain]);
  });

  it('keeps x·W where the batch is as wide as the layer (an im2col product, a small net, a head layer)', async () => {
    for (const [n, k, m] of [
      [4096, 27, 16],
      [64, 2, 32],
      [16, 64, 64],
    ]) {
      const x = matrix(n, k, n);
      const W = matrix(k, m, m);
      expect(await productShapes(() => freshRightProduct(x, W))).toEqual([`${n}×${m}`]);
      tf.dispose([x, W]);
    }
  });

  it('leaves a layer’s value and weight gradient unchanged, with or without its input’s gradient', () => {
    const x = matrix(16, 784, 3);
    const W = tf.variable(matrix(784, 256, 4));
    const loss = (f: typeof fastMatMul) => () => tf.sum(tf.square(f(x, W))) as tf.Scalar;
    const plain = tf.variableGrads(() => tf.sum(tf.square(tf.matMul(x, W))) as tf.Scalar, [W]);
    for (const f of [fastMatMul, fastMatMulConstLeft]) {
      const got = tf.variableGrads(loss(f), [W]);
      expect(got.value.dataSync()).toEqual(plain.value.dataSync());
      expect(got.grads[W.name].dataSync()).toEqual(plain.grads[W.name].dataSync());
      tf.dispose([got.value, ...Object.values(got.grads)]);
    }
    tf.dispose([x, W, plain.value, ...Object.values(plain.grads)]);
  });
});

describe('the tiled wasm transpose', () => {
  it('equals tf.transpose bit for bit, for tile-sized, ragged, single-row and single-column shapes, in tiles of 16, 32 and 64 rows', () => {
    for (const [rows, cols] of [
      [16, 16],
      [3072, 256],
      [1030, 9], // 64-row tiles, ragged in both
      [1026, 515], // 32-row tiles, ragged in both
      [37, 53],
      [1, 19],
      [19, 1],
      [17, 33],
    ]) {
      const m = matrix(rows, cols, rows * 1000 + cols);
      const mine = hostTranspose(m);
      expect(mine?.shape).toEqual([cols, rows]);
      const theirs = tf.transpose(m);
      expect(mine?.dataSync()).toEqual(theirs.dataSync());
      tf.dispose([m, mine as tf.Tensor, theirs]);
    }
  });

  it('copies non-finite numbers as they are and leaves the source untouched', () => {
    const m = tf.tensor2d([NaN, Infinity, -0, -Infinity, 1.5, 3], [2, 3]);
    const before = m.dataSync().slice();
    const t = hostTranspose(m) as tf.Tensor2D;
    expect(Array.from(t.dataSync())).toEqual([NaN, -Infinity, Infinity, 1.5, -0, 3]);
    expect(m.dataSync()).toEqual(before);
    tf.dispose([m, t]);
  });

  it('is null on another backend, where the caller keeps tf.transpose', async () => {
    await initBackend('cpu');
    const m = matrix(3, 4, 1);
    expect(hostTranspose(m)).toBeNull();
    m.dispose();
    await initBackend('wasm');
  });
});
