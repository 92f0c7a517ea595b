import type { NetConfig } from '../config/schema';
import { createRng } from '../core/rng';
import { NetSession, type NetSessionOptions } from './session';
import { preparedFromArrays } from '../data/fromArrays';

export interface NetBenchResult {
  model: NetConfig['model'];
  batchSize: number;
  /** Median over timed slices of steps per second (after warm-up steps). */
  stepsPerSecond: number;
  /** Wall time of one `measure('core')` on `measureSamples` train samples, ms. */
  measureMs: number;
}

/**
 * The session the network benchmarks train: `samples` standard-normal inputs with labels
 * 0, 1, …, K − 1 in turn (the same data for every bench that times a case).
 */
export function benchSession(
  config: NetConfig,
  inputShape: number[],
  K: number,
  samples: number,
  options?: NetSessionOptions,
): NetSession {
  const size = inputShape.reduce((a, b) => a * b, 1);
  const rng = createRng('bench');
  const x = Float32Array.from({ length: samples * size }, () => rng.normal(0, 1));
  const labels = Array.from({ length: samples }, (_, i) => i % K);
  const data = preparedFromArrays({ inputShape, K, train: { x, labels } });
  return new NetSession(config, data, options);
}

/**
 * Steps per second of a network session on random inputs (the current backend): warm-up, then
 * `slices` timed slices of `stepsPerSlice` steps, each ending in one loss read-back.
 */
export async function benchNetSteps(
  config: NetConfig,
  inputShape: number[],
  K: number,
  opts: {
    samples?: number;
    warmup?: number;
    slices?: number;
    stepsPerSlice?: number;
    session?: NetSessionOptions;
  } = {},
): Promise<NetBenchResult> {
  const session = benchSession(config, inputShape, K, opts.samples ?? 1024, opts.session);
  try {
    await session.train(opts.warmup ?? 3);
    const rates: number[] = [];
    const n = opts.stepsPerSlice ?? 5;
    for (let s = 0; s < (opts.slices ?? 3); s++) {
      const t = performance.now();
      await session.train(n);
      rates.push((1000 * n) / (performance.now() - t));
    }
    const t = performance.now();
    await session.measure('core');
    const measureMs = performance.now() - t;
    rates.sort((a, b) => a - b);
    return {
      model: config.model,
      batchSize: config.batchSize,
      stepsPerSecond: rates[Math.floor(rates.length / 2)],
      measureMs,
    };
  } finally {
    session.dispose();
  }
}
