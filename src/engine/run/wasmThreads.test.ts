import { describe, expect, it } from 'vitest';
import { DEFAULT_NET_CONFIG, DEFAULT_UFM_CONFIG, type ExperimentConfig } from '../config/schema';
import { findPreset } from '../config/presets';
import { BENCH_PRESETS, benchConfig } from '../bench/cases';
import { NET_BENCH_CASES, findNetBenchCase } from '../bench/netBench';
import {
  CONV_THREADED_FROM_MACS,
  MAX_WASM_THREADS,
  THREADED_FROM_MACS,
  netInputSize,
  parseThreadChoice,
  stepProducts,
  threadsFor,
} from './wasmThreads';

const ufm = (classSizes: number[], hidden: number, depth: number) => ({
  ...DEFAULT_UFM_CONFIG,
  classSizes,
  hidden,
  depth,
});

describe('parseThreadChoice: the threads value of an address', () => {
  it('reads auto and whole numbers 1…8', () => {
    expect(parseThreadChoice('auto')).toBe('auto');
    expect(parseThreadChoice('1')).toBe(1);
    expect(parseThreadChoice(String(MAX_WASM_THREADS))).toBe(MAX_WASM_THREADS);
  });

  it('refuses anything else, naming the value', () => {
    for (const bad of ['0', '9', '1.5', '-2', '', 'two', ' 2', 'Auto', '2e0'])
      expect(parseThreadChoice(bad)).toEqual({
        error: `threads must be auto or a whole number from 1 to 8, got "${bad}"`,
      });
  });
});

describe('stepProducts: a training step’s products, estimated from the config', () => {
  it('a UFM step: three K·d² products per inner layer (the chain from the K side) and three N·K·d', () => {
    // N = 40, K = 4, d = 64, M = 3
    expect(stepProducts(ufm([10, 10, 10, 10], 64, 3))).toEqual({
      macs: 3 * 2 * 4 * 64 * 64 + 3 * 40 * 4 * 64,
      kernels: 9,
    });
    expect(stepProducts(ufm([10, 10], 64, 1))).toEqual({
      macs: 3 * 20 * 2 * 64,
      kernels: 3,
    });
  });

  it('an MLP step: the input layer, the ReLU blocks and the head over one batch, three products each', () => {
    const mlp = { ...DEFAULT_NET_CONFIG, batchSize: 16, width: 8, depthRelu: 2, depthLinear: 2 };
    expect(stepProducts({ ...mlp, resize32: false })).toEqual({
      macs: 3 * 16 * (784 * 8 + 8 * 8) + 3 * 16 * (8 * 8 + 8 * 10),
      kernels: 12,
    });
    expect(stepProducts(mlp, 100).macs).toBe(3 * 16 * (100 * 8 + 64) + 3 * 16 * (64 + 80));
  });

  it('reads the input size from the dataset', () => {
    expect(netInputSize({ ...DEFAULT_NET_CONFIG, dataset: 'mnist', resize32: false })).toBe(784);
    expect(netInputSize({ ...DEFAULT_NET_CONFIG, dataset: 'mnist', resize32: true })).toBe(3072);
    expect(netInputSize({ ...DEFAULT_NET_CONFIG, dataset: 'cifar10' })).toBe(3072);
    expect(netInputSize({ ...DEFAULT_NET_CONFIG, dataset: 'gaussian', gaussDim: 7 })).toBe(7);
  });

  it('a convolutional step grows with the width multiplier squared', () => {
    const conv = { ...DEFAULT_NET_CONFIG, model: 'resnet18' as const, batchSize: 16, width: 8 };
    const eighth = stepProducts({ ...conv, widthMult: 0.125 }).macs;
    const quarter = stepProducts({ ...conv, widthMult: 0.25 }).macs;
    expect(quarter / eighth).toBeGreaterThan(3.9);
    expect(quarter / eighth).toBeLessThan(4);
  });
});

describe('threadsFor on the benchmarked workloads: the side of the threshold they were measured on', () => {
  // README, "Threads per step size" (with the heap tuner, 2026-12-07, on the Zen 5 development
  // machine and a 2.1 GHz Xeon): faster on two threads on both were the d = 2048 UFMs and seed
  // 000's MLP; the d = 64 UFMs and seed 002's MLP were not; ResNet18 / VGG16 ⅛ at batch 16 ran
  // even on the first (1.03, 0.96–1.00) and slower on the second (0.76–0.82, 0.92–0.93).
  const cases = (ids: readonly string[]) =>
    ids.map((id) =>
      id.startsWith('net-')
        ? [id, threadsFor(findNetBenchCase(id).config, 2, 'auto', 3072).threads]
        : [id, threadsFor(benchConfig(id), 2, 'auto').threads],
    );

  it('threads only the workloads that ran faster threaded', () => {
    expect(
      Object.fromEntries(cases([...BENCH_PRESETS, ...NET_BENCH_CASES.map((c) => c.id)])),
    ).toEqual({
      'seed-balanced-bias-m1': 1,
      'seed-balanced-bias-m3': 1,
      'seed-balanced-bias-m6': 1,
      'seed-balanced-bias-m9': 1,
      'seed-imbalanced-m1': 2,
      'seed-imbalanced-m3': 2,
      'seed-imbalanced-m6': 2,
      'net-mlp-seed000': 2,
      'net-mlp-md': 1,
      'net-resnet18-w8': 1,
      'net-vgg16-w8': 1,
    });
  });

  it('a convolutional net goes threaded from its own, larger size: the MNIST ResNet18 preset does', () => {
    // batch 64 at ⅛ width, 24 M a product: 1.18× faster on two threads on the development
    // machine, 1.12× on the Xeon; the same net at batch 16 (6.1 M) stays on one thread
    const preset = findPreset('net-mnist-resnet18')?.config;
    if (preset?.experiment !== 'net') throw new Error('net-mnist-resnet18 is a network preset');
    expect(threadsFor(preset, 2, 'auto')).toEqual({
      threads: 2,
      why: 'auto: 24 M multiply–adds a product (threaded from 12 M for a convolutional net)',
    });
    const small = { ...preset, batchSize: 16 };
    expect(threadsFor(small, 2, 'auto')).toEqual({
      threads: 1,
      why: 'auto: 6.1 M multiply–adds a product (one thread below 12 M for a convolutional net)',
    });
    // an MLP of that size per product is threaded: the convolutional threshold is its own
    const perProduct = (c: ExperimentConfig) => stepProducts(c).macs / stepProducts(c).kernels;
    const mlp = { ...DEFAULT_NET_CONFIG, batchSize: 16, width: 512, depthRelu: 3 };
    expect(perProduct(mlp)).toBeGreaterThan(THREADED_FROM_MACS);
    expect(perProduct(mlp)).toBeLessThan(CONV_THREADED_FROM_MACS);
    expect(threadsFor(mlp, 2, 'auto').threads).toBe(2);
  });
});

describe('threadsFor: the threads of a job', () => {
  const tiny = ufm([10, 10, 10, 10], 16, 1);
  const large = ufm(Array(10).fill(1000), 512, 3);

  it('auto runs a small step on one thread and a large one on every core (at most 8)', () => {
    const perProduct = (c: typeof tiny) => stepProducts(c).macs / stepProducts(c).kernels;
    expect(perProduct(tiny)).toBeLessThan(THREADED_FROM_MACS);
    expect(perProduct(large)).toBeGreaterThan(THREADED_FROM_MACS);
    expect(threadsFor(tiny, 4, 'auto').threads).toBe(1);
    expect(threadsFor(large, 4, 'auto').threads).toBe(4);
    expect(threadsFor(large, 32, 'auto').threads).toBe(8);
    expect(threadsFor(large, 1, 'auto')).toEqual({ threads: 1, why: 'auto: one core' });
    expect(threadsFor(large, 2, 'auto').why).toMatch(
      /^auto: 19 M multiply–adds a product \(threaded from 3.2 M\)$/,
    );
  });

  it('a fixed count is used whatever the size (capped at tfjs’s 8)', () => {
    expect(threadsFor(tiny, 2, 2)).toEqual({ threads: 2, why: 'threads=2 asked for' });
    expect(threadsFor(large, 16, 1).threads).toBe(1);
  });
});
