import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { preparedFromArrays } from '../data/fromArrays';
import { SplitFeeder } from './feeder';

const data = preparedFromArrays({
  inputShape: [2, 3, 1],
  K: 2,
  train: { x: Float32Array.from({ length: 4 * 6 }, (_, i) => i), labels: [0, 1, 0, 1] },
});

describe('SplitFeeder', () => {
  for (const backend of ['wasm', 'webgpu', 'none']) {
    const cache = backend === 'none' ? 0 : undefined;
    it(`gives the same rows, labels and shape whatever holds the split (${backend})`, async () => {
      await tf.setBackend('cpu');
      const feeder = new SplitFeeder(data, 'train', cache, backend === 'none' ? 'cpu' : backend);
      const rows = Int32Array.from([3, 0, 3]);
      const x = feeder.inputs(rows, true);
      expect(x.shape).toEqual([3, 2, 3, 1]);
      const want = [18, 19, 20, 21, 22, 23, 0, 1, 2, 3, 4, 5, 18, 19, 20, 21, 22, 23];
      expect(Array.from(await x.data())).toEqual(want);
      expect(Array.from(await feeder.labels(rows).data())).toEqual([1, 0, 1]);
      feeder.dispose();
    });
  }

  it('refuses a row outside the split with a message naming it (host copy)', async () => {
    await tf.setBackend('cpu');
    const feeder = new SplitFeeder(data, 'train', undefined, 'wasm');
    expect(() => feeder.inputs(Int32Array.from([4]), false)).toThrow(/row 4 out of range/);
    feeder.dispose();
  });
});
