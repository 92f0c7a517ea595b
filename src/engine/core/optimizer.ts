import * as tf from '@tensorflow/tfjs-core';

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
 * in where ε enters, negligible at ε = 1e-8.
 */
export function createOptimizer(s: OptimizerSettings): tf.Optimizer {
  if (s.optimizer === 'adam') return tf.train.adam(s.lr, s.adamBeta1, s.adamBeta2, s.adamEpsilon);
  return s.momentum > 0 ? tf.train.momentum(s.lr, s.momentum) : tf.train.sgd(s.lr);
}

/**
 * tfjs 4.22's MomentumOptimizer.dispose() does not call SGDOptimizer's, so the learning-rate
 * scalar `c` it inherits outlives it: one tensor per run. Free it as well.
 */
export function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  if (optimizer instanceof tf.MomentumOptimizer) {
    const inherited = (optimizer as unknown as { c?: tf.Tensor }).c;
    if (inherited && !inherited.isDisposed) inherited.dispose();
  }
}
