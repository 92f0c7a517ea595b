import * as tf from '@tensorflow/tfjs-core';
import type { UfmConfig } from '../config/schema';
import { randomInit } from '../ufm/initState';
import { UfmSession } from '../ufm/session';
import { applyWithDecay, createOptimizer, disposeOptimizer } from '../core/optimizer';
import { UfmModel } from '../ufm/model';

/** Steps per second of the lab's UFM session against a bare tfjs loop of the same step. */
export interface UfmBenchRow {
  backend: string;
  label: string;
  N: number;
  d: number;
  K: number;
  M: number;
  steps: number;
  labStepsPerSecond: number;
  bareStepsPerSecond: number;
  /** lab time per step / bare time per step − 1. */
  overhead: number;
  /** One full metrics read-back (the `core` set), ms. */
  measureMs: number;
  /** wasm's threads while timed (set by the page's worker; absent on other backends). */
  threads?: number | null;
}

/**
 * The bare loop: the model's own variables and written-out gradients and the same optimiser,
 * with no session, slicing, timing or read-back except one loss value at the end.
 */
async function bareStepsPerSecond(config: UfmConfig, steps: number): Promise<number> {
  const model = new UfmModel(config, randomInit(config));
  const opt = createOptimizer(config);
  const run = async (n: number) => {
    const step = (withLoss: boolean) => {
      const { grads, decay, loss } = model.gradients(withLoss);
      applyWithDecay(opt, grads, decay);
      return loss;
    };
    for (let i = 0; i < n - 1; i++) tf.tidy(() => void step(false));
    const cost = tf.tidy(() => {
      const loss = step(true);
      return loss as tf.Scalar;
    });
    await cost.data();
    cost.dispose();
  };
  await run(2); // warm-up: kernel/shader compilation
  const start = performance.now();
  await run(steps);
  const ms = performance.now() - start;
  model.dispose();
  disposeOptimizer(opt);
  return (1000 * steps) / ms;
}

async function labStepsPerSecond(
  config: UfmConfig,
  steps: number,
): Promise<{ sps: number; measureMs: number }> {
  const session = new UfmSession(config);
  try {
    await session.train(2);
    const start = performance.now();
    // The runner's slices: read back once per reportEvery steps.
    let left = steps;
    while (left > 0) {
      const n = Math.min(config.reportEvery, left);
      await session.train(n);
      left -= n;
    }
    const ms = performance.now() - start;
    const m0 = performance.now();
    await session.measure('core');
    return { sps: (1000 * steps) / ms, measureMs: performance.now() - m0 };
  } finally {
    session.dispose();
  }
}

export async function benchUfm(
  config: UfmConfig,
  label: string,
  steps: number,
  rounds = 2,
): Promise<UfmBenchRow> {
  // Alternate the two and keep each one's best round, so warm-up and a busy neighbour do not
  // count against whichever happened to run first.
  let bare = 0;
  let lab = { sps: 0, measureMs: Infinity };
  for (let r = 0; r < rounds; r++) {
    bare = Math.max(bare, await bareStepsPerSecond(config, steps));
    const l = await labStepsPerSecond(config, steps);
    lab = { sps: Math.max(lab.sps, l.sps), measureMs: Math.min(lab.measureMs, l.measureMs) };
  }
  const N = config.classSizes.reduce((s, n) => s + n, 0);
  return {
    backend: tf.getBackend(),
    label,
    N,
    d: config.hidden,
    K: config.classSizes.length,
    M: config.depth,
    steps,
    labStepsPerSecond: lab.sps,
    bareStepsPerSecond: bare,
    overhead: bare / lab.sps - 1,
    measureMs: lab.measureMs,
  };
}
