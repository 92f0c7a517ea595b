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
 * the median of `slices` timed slices of at least `stepsPerSlice` steps and `sliceMs`, each
 * ending in one loss read-back.
 */
export async function benchNetSteps(
  config: NetConfig,
  inputShape: number[],
  K: number,
  opts: {
    samples?: number;
    warmup?: number;
    warmupMs?: number;
    slices?: number;
    stepsPerSlice?: number;
    sliceMs?: number;
    session?: NetSessionOptions;
  } = {},
): Promise<NetBenchResult> {
  const session = benchSession(config, inputShape, K, opts.samples ?? 1024, opts.session);
  try {
    // The first steps grow the heap and build XNNPACK's operators, and a slice of a few fast
    // steps is at the mercy of one garbage collection: 3 warm-up steps and slices of 5 gave
    // seed 002's MLP 70–161 steps/s from run to run. Warm up for warmupMs, and make each slice
    // last at least sliceMs.
    const start = performance.now();
    let warm = 0;
    while (warm < (opts.warmup ?? 3) || performance.now() - start < (opts.warmupMs ?? 1000)) {
      await session.train(1);
      warm++;
    }
    const stepMs = (performance.now() - start) / warm;
    const rates: number[] = [];
    const n = Math.max(opts.stepsPerSlice ?? 5, Math.ceil((opts.sliceMs ?? 250) / stepMs));
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
