import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_ADDN_INPUTS, addMany } from './addMany';

describe('addMany', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('sums 1 to 50 tensors exactly, in AddN kernels of at most MAX_ADDN_INPUTS inputs', async () => {
    for (const n of [1, 2, MAX_ADDN_INPUTS, MAX_ADDN_INPUTS + 1, 20, 50]) {
      const xs = Array.from({ length: n }, (_, i) => tf.tensor1d([i + 1, -2 * (i + 1)]));
      const before = tf.memory().numTensors;
      const sum = addMany(xs);
      // only the result is new (none for one input: it is the input itself)
      expect(tf.memory().numTensors - before).toBe(n === 1 ? 0 : 1);
      expect(Array.from(await sum.data())).toEqual([(n * (n + 1)) / 2, -n * (n + 1)]);
      const { kernels, result } = await tf.profile(() => addMany(xs));
      const widest = kernels.filter((k) => k.name === 'AddN').map((k) => k.inputShapes.length);
      expect(Math.max(0, ...widest)).toBeLessThanOrEqual(MAX_ADDN_INPUTS);
      tf.dispose([...xs, ...(n === 1 ? [] : [sum, result as tf.Tensor])]);
    }
  });

  it('refuses an empty list by name', () => {
    expect(() => addMany([])).toThrow(/at least one tensor/);
  });
});
