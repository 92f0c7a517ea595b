import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeMetrics } from './device';
import { columnMeanF32, rowsOnHost } from './hostRows';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe('rowsOnHost on wasm (streaming batches without the Slice kernel)', () => {
  // values with mixed magnitudes so a wrongly rounded subtraction would show
  const N = 37;
  const d = 11;
  const vals = Float32Array.from({ length: N * d }, (_, i) =>
    Math.fround(((i * 7919) % 1013) * 1.37 - 600 + i / 7),
  );
  const shift = Float32Array.from({ length: d }, (_, j) => Math.fround(123.456 * (j - 5) + 1e-3));

  it('rows [start, end) minus the shift are bit-identical to tf.sub(tf.slice(X), r) on the device', async () => {
    const X = tf.tensor2d(vals, [N, d]);
    const r = tf.tensor1d(shift);
    const dev = tf.sub(tf.slice(X, [5, 0], [20, d]), r);
    const expected = await dev.data();
    expect(Array.from(rowsOnHost(X, 5, 25, shift))).toEqual(Array.from(expected));
    expect(Array.from(rowsOnHost(X, 5, 25, null))).toEqual(
      Array.from(vals.subarray(5 * d, 25 * d)),
    );
    [X, r, dev].forEach((t) => t.dispose());
  });

  it('transposed, the same rows come back column-major (d × rows)', async () => {
    const X = tf.tensor2d(vals, [N, d]);
    const r = tf.tensor1d(shift);
    const dev = tf.transpose(tf.sub(tf.slice(X, [30, 0], [7, d]), r));
    expect(Array.from(rowsOnHost(X, 30, 37, shift, true))).toEqual(Array.from(await dev.data()));
    [X, r, dev].forEach((t) => t.dispose());
  });

  it('int32 tensors are read as float32 numbers; a shift of the wrong length is refused by name', () => {
    const X = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32');
    expect(Array.from(rowsOnHost(X, 1, 3, null))).toEqual([3, 4, 5, 6]);
    expect(() => rowsOnHost(X, 0, 1, new Float32Array(3))).toThrow(
      'shift has 3 entries, the tensor 2 columns',
    );
    X.dispose();
  });

  it('a multi-batch metrics pass runs no Slice kernel (wasm Slice copies the whole source per call) and gives the one-batch nc1_pinv', async () => {
    const n = 300;
    const dim = 16;
    const K = 3;
    const labels = Int32Array.from({ length: n }, (_, i) => i % K);
    const H = new Float32Array(n * dim);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < dim; j++)
        H[i * dim + j] = 50 + Math.sin(i * dim + j) + (j === labels[i] ? 3 : 0);
    const X = tf.tensor2d(H, [n, dim]);
    const one = await computeMetrics({ K, features: X, labels }, ['nc1_pinv']);
    let multi: Awaited<ReturnType<typeof computeMetrics>> | null = null;
    const profile = await tf.profile(async () => {
      multi = await computeMetrics({ K, features: X, labels, batchSize: 64 }, ['nc1_pinv']);
    });
    X.dispose();
    expect(profile.kernels.filter((k) => k.name === 'Slice')).toEqual([]);
    expect(multi!.diagnostics.batches).toBe(5);
    const [a, b] = [multi!.values.nc1_pinv as number, one.values.nc1_pinv as number];
    expect(b).toBeGreaterThan(0.01);
    expect(Math.abs(a - b) / b).toBeLessThan(1e-5);
  });

  it('columnMeanF32 is bit-identical to tf.mean(X, 0) on wasm (the streaming reference point r)', async () => {
    // an offset 10⁴ times the spread: float32 sums in another order or in float64 round apart
    const n = 4096;
    const d = 24;
    const X = tf.tidy(() =>
      tf.add(
        tf.randomNormal([n, d], 0, 1, 'float32', 7),
        tf.randomUniform([1, d], 1e3, 1e4, 'float32', 8),
      ),
    ) as tf.Tensor2D;
    const rows = (await X.data()) as Float32Array;
    const device = tf.mean(X, 0);
    expect(Array.from(columnMeanF32(rows, n, d))).toEqual(Array.from(await device.data()));
    [X, device].forEach((t) => t.dispose());
    expect(() => columnMeanF32(new Float32Array(0), 0, 3)).toThrow('need 0 ≥ 1 rows of 3');
  });
});
