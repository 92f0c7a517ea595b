/**
 * With tfjs's thread pool the heap tuner (core/heapTuner.ts) runs a shape's first calls on the
 * heap kernels and on XNNPACK by turns, then the faster. Node's wasm has one thread, so these
 * tests tell the tuner there is a pool: the products then really go both ways, and training
 * must not see the difference.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../core/backend';
import { TUNE_SAMPLES, resetHeapTuner, setTunerEnvironment, tunedShapes } from '../core/heapTuner';
import { DEFAULT_NET_CONFIG, type NetConfig } from '../config/schema';
import { preparedFromArrays } from '../data/fromArrays';
import { randomSplit } from '../testing/nets';
import { NetSession } from './session';

beforeAll(async () => {
  await initBackend('wasm');
});
afterEach(() => {
  setTunerEnvironment({});
  resetHeapTuner();
});
afterAll(async () => {
  await initBackend('cpu');
});

/** ResNet18 at ⅛ width (8 channels in its first stage: the heap convolution's) with a 2-layer head 8 wide. */
const config: NetConfig = {
  ...DEFAULT_NET_CONFIG,
  dataset: 'cifar10',
  model: 'resnet18',
  width: 8,
  depthLinear: 2,
  widthMult: 1 / 8,
  batchSize: 4,
  optimizer: 'sgd',
  lr: 0.05,
  loss: 'ce',
  measureSamples: 0,
};

/** Every parameter after `steps` steps, as raw float32 bits. */
async function trainedBits(steps: number): Promise<Uint32Array[]> {
  const shape = [8, 8, 3];
  const data = preparedFromArrays({
    inputShape: shape,
    K: 3,
    train: randomSplit('tuner', 8, 192, 3),
  });
  const session = new NetSession(config, data);
  for (let i = 0; i < steps; i++) await session.train(1);
  const { params } = await session.state();
  session.dispose();
  return params.map((p) => new Uint32Array(Float32Array.from(p.values).buffer));
}

describe('the heap tuner in a training run', () => {
  it('a run whose products go to the heap and to XNNPACK by turns ends on the same bits as one on the heap alone', async () => {
    const alone = await trainedBits(2 * TUNE_SAMPLES + 2);
    expect(tunedShapes()).toEqual([]);
    setTunerEnvironment({ threads: () => 2 });
    const tuned = await trainedBits(2 * TUNE_SAMPLES + 2);
    const shapes = tunedShapes();
    // both ways ran on the convolutions and the products, and each shape chose
    expect(
      shapes.some((s) => s.shape.startsWith('conv') && s.heapMs !== null && s.poolMs !== null),
    ).toBe(true);
    expect(
      shapes.some((s) => s.shape.startsWith('a·b') && s.heapMs !== null && s.poolMs !== null),
    ).toBe(true);
    expect(shapes.filter((s) => s.heapMs !== null).every((s) => s.choice !== null)).toBe(true);
    expect(tuned.length).toBe(alone.length);
    tuned.forEach((bits, i) => expect(bits).toEqual(alone[i]));
    expect(tf.memory().numTensors).toBeLessThan(50);
  });
});
