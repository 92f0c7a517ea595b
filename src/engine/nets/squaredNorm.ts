import * as tf from '@tensorflow/tfjs-core';

/**
 * c·Σ x² with its gradient written out, 2c·x·dy: one product instead of autodiff's five kernels
 * (Square's 2x and its product, Sum's ones(x.shape) filled on the host and its product, the
 * scalar's). The same numbers: autodiff's (dy·c)·(2x) is rounded once as (dy·2c)·x is, doubling
 * being exact. sepDecay's feature term fd/2·Σ‖h_i‖² (seed 000's `--sep_decay`).
 */
export function scaledSquaredNorm(x: tf.Tensor, c: number): tf.Scalar {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([input]);
    return {
      value: tf.mul(tf.sum(tf.square(input)), c) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(saved[0], tf.mul(dy, 2 * c)),
    };
  });
  return op(x) as tf.Scalar;
}
