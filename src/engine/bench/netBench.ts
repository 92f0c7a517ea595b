import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_NET_CONFIG, netConfigSchema, type NetConfig } from '../config/schema';
import { benchNetSteps, benchSession } from '../nets/bench';
import type { NetSession } from '../nets/session';

/**
 * Network training throughput (steps and samples per second of the lab's NetSession, plus one
 * `core` metrics read-back) for the sizes of the presets: seed 000's MLP, seed 002's MLP, and
 * ResNet18 / VGG16 at the browser presets' ⅛ width.
 */
export interface NetBenchCase {
  id: string;
  label: string;
  config: NetConfig;
  inputShape: number[];
  K: number;
}

const net = (over: Partial<NetConfig>) =>
  netConfigSchema.parse({ ...DEFAULT_NET_CONFIG, measureSamples: 512, ...over });

/**
 * Dang et al. 2023's CIFAR ResNet18 / VGG16 with a 3-layer linear head, on 32×32×3 inputs: at ⅛
 * width and batch 16 (the browser presets' size) or at full width and batch 128 (seed 000's).
 */
function convCase(model: 'resnet18' | 'vgg16', full: boolean): NetBenchCase {
  const batchSize = full ? 128 : 16;
  const name = model === 'resnet18' ? 'ResNet18' : 'VGG16';
  return {
    id: `net-${model}-${full ? 'full' : 'w8'}`,
    label: `${name} ${full ? 'full' : '⅛'} width, 32×32×3, batch ${batchSize}`,
    config: net({
      model,
      widthMult: full ? 1 : 0.125,
      width: full ? 512 : 64,
      depthLinear: 3,
      batchSize,
    }),
    inputShape: [32, 32, 3],
    K: 10,
  };
}

export const NET_BENCH_CASES: NetBenchCase[] = [
  {
    id: 'net-mlp-seed000',
    label: 'MLP 3072→6×512 (BN), M=3, batch 128, Adam',
    config: net({ depthLinear: 3 }),
    inputShape: [3072],
    K: 10,
  },
  {
    id: 'net-mlp-md',
    label: 'seed 002 MLP 3072→3×256→2, batch 16, SGD',
    config: net({
      model: 'mlp-md',
      width: 256,
      depthRelu: 4,
      batchSize: 16,
      loss: 'ce',
      optimizer: 'sgd',
      lr: 0.1,
      sepDecay: false,
      weightDecay: 1e-3,
    }),
    inputShape: [3072],
    K: 2,
  },
  convCase('resnet18', false),
  convCase('vgg16', false),
];

/**
 * Seed 000's network commands at full size (ResNet18 / VGG16 at reference width, batch 128): a
 * GPU's workload, timed only on a hardware WebGPU adapter (a wasm step takes minutes).
 */
export const NET_BENCH_LARGE_CASES: NetBenchCase[] = [
  convCase('resnet18', true),
  convCase('vgg16', true),
];

export interface NetBenchRow {
  backend: string;
  id: string;
  label: string;
  batchSize: number;
  stepsPerSecond: number;
  samplesPerSecond: number;
  measureMs: number;
  /** wasm's threads while timed (set by the page's worker; absent on other backends). */
  threads?: number | null;
}

export function findNetBenchCase(id: string): NetBenchCase {
  const c = [...NET_BENCH_CASES, ...NET_BENCH_LARGE_CASES].find((x) => x.id === id);
  if (!c) throw new Error(`unknown network benchmark case "${id}"`);
  return c;
}

/** Random training samples of every network case (its session's whole training split). */
export const NET_BENCH_SAMPLES = 512;

/** The session a case's benchmarks train, on the current backend (the caller disposes it). */
export function netBenchSession(c: NetBenchCase): NetSession {
  return benchSession(c.config, c.inputShape, c.K, NET_BENCH_SAMPLES);
}

/** Time one case on the current backend: `slices` × `stepsPerSlice` steps after 3 warm-up ones. */
export async function benchNetCase(
  id: string,
  slices = 3,
  stepsPerSlice = 5,
): Promise<NetBenchRow> {
  const c = findNetBenchCase(id);
  const r = await benchNetSteps(c.config, c.inputShape, c.K, {
    samples: NET_BENCH_SAMPLES,
    slices,
    stepsPerSlice,
  });
  return {
    backend: tf.getBackend(),
    id: c.id,
    label: c.label,
    batchSize: c.config.batchSize,
    stepsPerSecond: r.stepsPerSecond,
    samplesPerSecond: r.stepsPerSecond * c.config.batchSize,
    measureMs: r.measureMs,
  };
}
