import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend';
import { hostTranspose } from './hostTranspose';
import { createRng } from './rng';

beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(async () => {
  await initBackend('cpu');
});

function matrix(rows: number, cols: number, seed: number): tf.Tensor2D {
  const rng = createRng(seed);
  return tf.tensor2d(
    Float32Array.from({ length: rows * cols }, () => rng.normal(0, 1)),
    [rows, cols],
  );
}

describe('the tiled wasm transpose', () => {
  it('equals tf.transpose bit for bit, for tile-sized, ragged, single-row and single-column shapes', () => {
    for (const [rows, cols] of [
      [16, 16],
      [3072, 256],
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
