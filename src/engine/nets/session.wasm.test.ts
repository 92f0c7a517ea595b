import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../core/backend';
import { DEFAULT_NET_CONFIG, type NetConfig } from '../config/schema';
import type { ConvMode } from './conv';
import { NetSession, type NamedArray } from './session';
import { preparedFromArrays } from '../data/fromArrays';
import { randomSplit } from '../testing/nets';

/**
 * wasm has no Conv2DBackpropFilter kernel, so tf.conv2d's own gradient cannot run there: the
 * session picks the forward-grads path on wasm by itself. The same seeded run on cpu (tf.conv2d)
 * and on wasm (forward-grads) must measure the same class means before training and reach the same state after a step.
 * (Further steps drift apart: BatchNorm over 4 samples amplifies float32 rounding ×15–50 per
 * step here, 4e-5 → 6e-4 → 3e-2 of a tensor's scale — chaos, not a second code path.)
 */
async function runOn(
  backend: 'cpu' | 'wasm',
  cfg: NetConfig,
  inputShape: number[],
  conv?: ConvMode,
) {
  await initBackend(backend);
  expect(tf.getBackend()).toBe(backend);
  const size = inputShape.reduce((a, b) => a * b, 1);
  const data = preparedFromArrays({ inputShape, K: 3, train: randomSplit('wasm', 8, size, 3) });
  const session = new NetSession(cfg, data, conv ? { conv } : {});
  const before = await session.measure('cheap');
  const loss = await session.train(1);
  const state = await session.state();
  const more = [await session.train(1), await session.train(1)];
  session.dispose();
  return { means: (before.metrics.class_means as number[][]).flat(), loss, state, more };
}

/**
 * Largest difference over a tensor, relative to its largest entry (at least 1e-4: a BN shift
 * whose gradient vanishes in exact arithmetic holds ±1e-10 of rounding after a step).
 */
function worstRelative(a: NamedArray[], b: NamedArray[]): number {
  let worst = 0;
  a.forEach((t, j) => {
    const scale = Math.max(1e-4, ...Array.from(t.values, Math.abs));
    t.values.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - b[j].values[k]) / scale)));
  });
  return worst;
}

const base: NetConfig = {
  ...DEFAULT_NET_CONFIG,
  dataset: 'cifar10',
  width: 8,
  depthLinear: 2,
  widthMult: 1 / 16,
  batchSize: 4,
  optimizer: 'sgd',
  lr: 0.05,
  loss: 'ce',
  measureSamples: 0,
};

describe('convolutional nets train on wasm without Conv2DBackpropFilter', () => {
  for (const [model, shape, conv] of [
    ['mlp', [12], undefined], // and the default model (wasm's float32 one-hot bug once zeroed its loss)
    ['resnet18', [8, 8, 3], undefined],
    ['resnet18', [8, 8, 3], 'im2col'],
    ['vgg16', [32, 32, 3], undefined],
  ] as const) {
    it(`${model}${conv ? ` (${conv})` : ''}: wasm measures and steps as cpu does`, async () => {
      const cfg = { ...base, model };
      const cpu = await runOn('cpu', cfg, [...shape]);
      const wasm = await runOn('wasm', cfg, [...shape], conv);
      // Eval-mode features at init (VGG16's barely vary between samples, so compare the means).
      const scale = Math.max(...cpu.means.map(Math.abs));
      wasm.means.forEach((v, i) => expect(Math.abs(v - cpu.means[i])).toBeLessThan(1e-5 * scale));
      expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThan(1e-5 * cpu.loss);
      expect(worstRelative(wasm.state.params, cpu.state.params)).toBeLessThan(3e-4);
      expect(worstRelative(wasm.state.buffers, cpu.state.buffers)).toBeLessThan(3e-4);
      expect(wasm.more.every(Number.isFinite)).toBe(true);
    });
  }
});
