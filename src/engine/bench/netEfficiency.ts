import * as tf from '@tensorflow/tfjs-core';
import type { NetSession } from '../nets/session';
import { peakKernelMs, timerMs } from './kernelPeak';
import {
  isHostKernel,
  isPeakKernel,
  kernelCall,
  type KernelCall,
  type ProductKernelName,
} from './kernelShapes';
import { netBenchSession, type NetBenchCase } from './netBench';
import { disposeOptimizer } from '../core/optimizer';
import { applyNetUpdate, createNetRunOptimizer } from '../nets/trainer';

/**
 * How close a network step comes to the arithmetic it cannot avoid (the speed issue's goal for
 * wasm): the step's wall time against the sum of its matmul and convolution kernels, each timed
 * again on its own shapes at XNNPACK's best (kernelPeak.ts). Efficiency = peak sum ÷ step time;
 * the goal is ≥ 0.8 (a step within 1.25× of the peak sum).
 *
 * That peak reuses its operands, so XNNPACK packs the right one once; a step's operands are all
 * new (the weights were just updated, the activations just computed), so every XNNPACK product
 * packs again. The ceiling = peak sum ÷ (the products with new operands, run as the step runs
 * them, + the optimiser's update alone) is the efficiency of a step with nothing else in it.
 * The lab's own heap product (core/hostGemm.ts) packs nothing and beats XNNPACK's peak on the
 * MLPs' shapes, so with it both can pass 1.
 */

/** One kernel of a profiled step. */
export interface ProfiledKernel {
  name: string;
  inputShapes: (number[] | null)[];
  outputShapes: number[][];
  ms: number;
}

/** The step's kernels of one name and shape: timed in the step and at their peak. */
export interface PeakKernelRow {
  name: string;
  /** the attributes read back from the shapes ("plain", "transposeB", "stride 2, pad 1") */
  geometry: string;
  shapes: { inputs: number[][]; output: number[] };
  count: number;
  /** their profiled time in the step, all `count` together */
  stepMs: number;
  /** `count` × the shape's best time */
  peakMs: number;
  /**
   * `count` × the shape's best time with new operands every call, run as the step runs it
   * (XNNPACK's packing included; the lab's heap product, which packs nothing)
   */
  freshMs: number;
}

export interface OtherKernelRow {
  name: string;
  count: number;
  ms: number;
}

export interface NetEfficiency {
  id: string;
  label: string;
  backend: string;
  /** median wall time of a training step (one loss read-back each), outside the profiler */
  stepMs: number;
  /** the profiled matmul and convolution kernels' time in one step */
  kernelsMs: number;
  /** the same kernels' time at their peak */
  peakMs: number;
  /** peakMs ÷ stepMs */
  efficiency: number;
  /** the products at their best with new operands, as a step must run them */
  freshMs: number;
  /** one optimiser update alone (the network's parameters, new gradients), median */
  optimiserMs: number;
  /** peakMs ÷ (freshMs + optimiserMs): the efficiency of a step of nothing else */
  ceiling: number;
  /** stepMs − kernelsMs: the other kernels and everything between kernels */
  otherMs: number;
  /** every profiled kernel's time in the step */
  profiledMs: number;
  kernelCount: number;
  /** by profiled time, largest first */
  byKernel: PeakKernelRow[];
  /** the other kernels by name, largest time first */
  otherKernels: OtherKernelRow[];
}

/**
 * One training step under `tf.profile`. Only registered kernels are kept: a custom gradient is
 * recorded too, under its scope's name, with the time of the kernels inside it.
 */
export async function profileStep(session: NetSession): Promise<ProfiledKernel[]> {
  const info = await tf.profile(() => session.train(1));
  const backend = tf.getBackend();
  const kernels: ProfiledKernel[] = [];
  for (const k of info.kernels) {
    if (!tf.getKernel(k.name, backend)) continue;
    kernels.push({
      name: k.name,
      inputShapes: k.inputShapes,
      outputShapes: k.outputShapes,
      ms: timerMs(await k.kernelTimeMs, k.name),
    });
  }
  return kernels;
}

/**
 * The network's own products: every matmul and convolution kernel, the lab's heap product
 * included, but _FusedMatMul, which the lab calls only for BatchNorm's per-channel affine maps
 * (x·diag(a) + b, batchNorm.ts): elementwise work phrased as a product, counted with the other
 * kernels.
 */
export function isNetworkProduct(name: string): name is ProductKernelName {
  return (isPeakKernel(name) && name !== '_FusedMatMul') || isHostKernel(name);
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

interface Group {
  /** XNNPACK's call of the shape: its peak */
  call: KernelCall;
  /** the call as the step ran it (the lab's heap product, or the same call) */
  asRun: KernelCall;
  kernels: ProfiledKernel[];
}

/** The step's matmul / conv kernels by name and shapes (each shape is timed once). */
export function peakGroups(kernels: readonly ProfiledKernel[]): Group[] {
  const groups = new Map<string, Group>();
  for (const k of kernels) {
    if (!isNetworkProduct(k.name)) continue;
    const key = JSON.stringify([k.name, k.inputShapes, k.outputShapes]);
    let g = groups.get(key);
    if (!g) {
      const call = kernelCall(k.name, k.inputShapes, k.outputShapes[0]);
      const asRun = isHostKernel(k.name) ? { ...call, name: k.name } : call;
      g = { call, asRun, kernels: [] };
      groups.set(key, g);
    }
    g.kernels.push(k);
  }
  return [...groups.values()];
}

/** The other kernels' time by name, largest first. */
export function otherKernels(kernels: readonly ProfiledKernel[]): OtherKernelRow[] {
  const byName = new Map<string, OtherKernelRow>();
  for (const k of kernels) {
    if (isNetworkProduct(k.name)) continue;
    const row = byName.get(k.name) ?? { name: k.name, count: 0, ms: 0 };
    row.count++;
    row.ms += k.ms;
    byName.set(k.name, row);
  }
  return [...byName.values()].sort((a, b) => b.ms - a.ms);
}

/** A profiled step against its kernels' peak, given its wall time and its update's. */
export async function stepEfficiency(
  kernels: readonly ProfiledKernel[],
  stepMs: number,
  updateMs: number,
  repeats = 5,
): Promise<Omit<NetEfficiency, 'id' | 'label'>> {
  const groups = peakGroups(kernels);
  // Two passes over all the shapes, the least of each kept: a slow spell of a second or two
  // (another process) raised every peak of one pass by ~1.7× in one run of four cases.
  const best = groups.map(() => Infinity);
  const fresh = groups.map(() => Infinity);
  for (let pass = 0; pass < 2; pass++) {
    for (const [i, g] of groups.entries()) {
      best[i] = Math.min(best[i], await peakKernelMs(g.call, repeats));
      fresh[i] = Math.min(fresh[i], await peakKernelMs(g.asRun, repeats, undefined, true));
    }
  }
  const byKernel: PeakKernelRow[] = [];
  for (const [i, g] of groups.entries()) {
    byKernel.push({
      name: g.call.name,
      geometry: g.call.geometry,
      shapes: { inputs: Object.values(g.call.inputs), output: g.kernels[0].outputShapes[0] },
      count: g.kernels.length,
      stepMs: sum(g.kernels.map((k) => k.ms)),
      peakMs: g.kernels.length * best[i],
      freshMs: g.kernels.length * fresh[i],
    });
  }
  byKernel.sort((a, b) => b.stepMs - a.stepMs);
  const kernelsMs = sum(byKernel.map((r) => r.stepMs));
  const peakMs = sum(byKernel.map((r) => r.peakMs));
  const freshMs = sum(byKernel.map((r) => r.freshMs));
  return {
    backend: tf.getBackend(),
    stepMs,
    kernelsMs,
    peakMs,
    efficiency: peakMs / stepMs,
    freshMs,
    optimiserMs: updateMs,
    ceiling: peakMs / (freshMs + updateMs),
    otherMs: stepMs - kernelsMs,
    profiledMs: sum(kernels.map((k) => k.ms)),
    kernelCount: kernels.length,
    byKernel,
    otherKernels: otherKernels(kernels),
  };
}

/**
 * A case's efficiency on the current backend: its benchmark session (netBench.ts) after
 * `warmup` steps and at least `warmupMs` of training (the first steps grow the heap and build
 * XNNPACK's operators: 5 steps after 3 gave medians 20–40 % apart from run to run), the median
 * of `timedSteps` single steps, then one profiled step: the least kernel time of
 * `profiledSteps` (on a shared machine one step's kernels can all be slowed).
 */
export async function netEfficiency(
  c: NetBenchCase,
  opts: {
    warmup?: number;
    warmupMs?: number;
    timedSteps?: number;
    profiledSteps?: number;
    repeats?: number;
  } = {},
): Promise<NetEfficiency> {
  const session = netBenchSession(c);
  try {
    const start = performance.now();
    for (
      let i = 0;
      i < (opts.warmup ?? 3) || performance.now() - start < (opts.warmupMs ?? 1000);
      i++
    ) {
      await session.train(1);
    }
    const times: number[] = [];
    for (let i = 0; i < (opts.timedSteps ?? 15); i++) {
      const t = performance.now();
      await session.train(1);
      times.push(performance.now() - t);
    }
    let kernels: ProfiledKernel[] = [];
    let least = Infinity;
    for (let i = 0; i < (opts.profiledSteps ?? 3); i++) {
      const step = await profileStep(session);
      const ms = sum(step.map((k) => k.ms));
      if (ms < least) [kernels, least] = [step, ms];
    }
    // last: it moves the parameters
    const update = optimiserMs(session, opts.timedSteps ?? 15);
    const r = await stepEfficiency(kernels, median(times), update, opts.repeats);
    return { id: c.id, label: c.label, ...r };
  } finally {
    session.dispose();
  }
}

/**
 * One optimiser update of the session's parameters alone, as its trainer makes it (the same
 * optimiser, sepDecay's head decay included), on new random gradients each time: the median
 * of `repeats` after one that makes the optimiser's slots. Moves the parameters.
 */
export function optimiserMs(session: NetSession, repeats: number): number {
  const { config } = session;
  const vars = session.model.store.trainable;
  const optimizer = createNetRunOptimizer(config);
  const times: number[] = [];
  try {
    for (let i = 0; i <= repeats; i++) {
      const grads = tf.tidy(() =>
        vars.map((v) => ({ name: v.name, tensor: tf.randomUniform(v.shape, -1e-3, 1e-3) })),
      );
      const t = performance.now();
      applyNetUpdate(optimizer, session.model.store, config, grads);
      if (i > 0) times.push(performance.now() - t);
      tf.dispose(grads.map((g) => g.tensor));
    }
  } finally {
    disposeOptimizer(optimizer);
  }
  return median(times);
}
