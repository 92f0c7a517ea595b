import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { createRng } from './rng';
import { hostPermute } from './hostTranspose';

function random(shape: number[], seed: string): tf.Tensor {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => rng.normal(0, 1)),
    shape,
  );
}

interface Case {
  shape: number[];
  perm: number[];
  begin?: number[];
  size?: number[];
  reverse?: number[];
}

/** The convolution gradients' rearrangements (conv.ts), and more. */
const CASES: Case[] = [
  { shape: [2, 5, 7, 3], perm: [3, 1, 2, 0] }, // x → [C, H, W, B]
  // x → [C, H, W, B] by batchedTranspose: blocks of four, ragged batch and channels, one pixel
  { shape: [16, 4, 4, 8], perm: [3, 1, 2, 0] },
  { shape: [6, 3, 5, 7], perm: [3, 1, 2, 0] },
  { shape: [5, 1, 1, 4], perm: [3, 1, 2, 0] },
  { shape: [3, 2, 2, 9], perm: [3, 1, 2, 0] },
  { shape: [2, 5, 7, 3], perm: [1, 2, 0, 3] }, // dy → [Ho, Wo, B, O]
  { shape: [2, 5, 7, 8], perm: [1, 2, 0, 3] }, // rows of whole fours
  { shape: [3, 4, 5, 12], perm: [1, 2, 0, 3], begin: [0, 1, 0, 4], size: [3, 3, 5, 8] },
  { shape: [3, 4, 5, 6], perm: [1, 2, 0, 3], begin: [0, 0, 0, 0], size: [3, 3, 3, 6] }, // dw
  { shape: [3, 4, 5, 6], perm: [2, 0, 3, 1], begin: [1, 1, 2, 3], size: [2, 3, 3, 2] },
  { shape: [3, 2, 4, 5], perm: [0, 1, 3, 2], reverse: [0, 1] }, // the flipped filter
  {
    shape: [3, 4, 5, 6],
    perm: [2, 0, 3, 1],
    begin: [1, 1, 2, 3],
    size: [2, 3, 3, 2],
    reverse: [1, 3],
  },
  { shape: [16, 9], perm: [1, 0] },
  { shape: [4, 6, 5], perm: [2, 0, 1] },
];

describe('hostPermute: a transpose of up to four axes on the wasm heap', () => {
  it('equals tf.transpose(tf.reverse(tf.slice(…))) number for number: slices, reversed axes and every order', async () => {
    await tf.setBackend('wasm');
    for (const { shape, perm, begin, size, reverse } of CASES) {
      const t = random(shape, shape.join('x'));
      const sliced = begin && size ? tf.slice(t, begin, size) : t;
      const expected = tf.transpose(reverse ? tf.reverse(sliced, reverse) : sliced, perm);
      const got = hostPermute(t, perm, { begin, size, reverse });
      expect(got?.shape).toEqual(expected.shape);
      expect(Array.from(got?.dataSync() ?? [])).toEqual(Array.from(expected.dataSync()));
    }
  });

  it('declines off the wasm heap (the caller uses tf.transpose)', async () => {
    await tf.setBackend('cpu');
    expect(hostPermute(random([2, 3], 'cpu'), [1, 0])).toBeNull();
    await tf.setBackend('wasm');
    expect(hostPermute(tf.tensor([1, 2], [2], 'int32'), [0])).toBeNull();
  });
});
