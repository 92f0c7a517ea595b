import * as tf from '@tensorflow/tfjs-core';
import { PackedOptimizer } from './packedOptimizer';
import { HostMomentum, foldsDecay, type DecayRates, type Gradients } from './hostMomentum';
import { gradientList } from './hostLoops';
import { HostAdam } from './hostAdam';

export interface OptimizerSettings {
  optimizer: 'sgd' | 'adam';
  lr: number;
  momentum: number;
  adamBeta1: number;
  adamBeta2: number;
  adamEpsilon: number;
}

/**
 * SGD with momentum is tfjs's MomentumOptimizer: v ← μv + g, p ← p − lr·v, exactly torch's
 * SGD(momentum=μ, dampening=0). μ = 0 gives plain SGD. tfjs's Adam differs from torch's only
 * in where ε enters, negligible at ε = 1e-8. One parameter at a time: the UFM's few.
 */
export function createOptimizer(s: OptimizerSettings): ScheduledOptimizer {
  if (s.optimizer === 'adam') return new HostAdam(s.lr, s.adamBeta1, s.adamBeta2, s.adamEpsilon);
  return s.momentum > 0 ? new HostMomentum(s.lr, s.momentum) : tf.train.sgd(s.lr);
}

/**
 * A network's optimiser: createOptimizer's, with the small parameters updated as one vector
 * (packedOptimizer.ts: the same numbers, far fewer kernels for a network's dozens of BatchNorm
 * and bias vectors) and, when `coupledDecay` > 0, torch's coupled L2 (g ← g + wd·p) added to
 * every gradient first. (Packing does not pay for the UFM's few parameters: measured slower at
 * d = 64, M = 1–3.)
 */
export function createNetOptimizer(s: OptimizerSettings, coupledDecay = 0): ScheduledOptimizer {
  return new PackedOptimizer(createOptimizer(s), coupledDecay);
}

/**
 * One update with coupled decay g + λ·p for the parameters `decay` names: folded into the
 * update loop where the optimiser has one (hostMomentum.ts, hostAdam.ts), else added with
 * tensor ops first (the same numbers either way). The gradients' order is kept.
 */
export function applyWithDecay(optimizer: tf.Optimizer, grads: Gradients, decay: DecayRates): void {
  if (foldsDecay(optimizer)) return optimizer.applyWithDecay(grads, decay);
  tf.tidy(() => {
    const withDecay = gradientList(grads).map(({ name, tensor }) => {
      const rate = decay[name];
      const p = tf.engine().registeredVariables[name];
      return { name, tensor: rate === undefined ? tensor : tf.add(tensor, tf.mul(p, rate)) };
    });
    optimizer.applyGradients(withDecay);
  });
}

/** An optimiser whose learning rate a schedule (StepLR, milestones) may change between steps. */
export type ScheduledOptimizer = tf.Optimizer & { setLearningRate(lr: number): void };

/**
 * tfjs 4.22's MomentumOptimizer.dispose() does not call SGDOptimizer's, so the learning-rate
 * scalar `c` it inherits outlives it: one tensor per run. Free it as well.
 */
export function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  const inner = optimizer instanceof PackedOptimizer ? optimizer.inner : optimizer;
  if (inner instanceof tf.MomentumOptimizer) {
    const inherited = (inner as unknown as { c?: tf.Tensor }).c;
    if (inherited && !inherited.isDisposed) inherited.dispose();
  }
}
