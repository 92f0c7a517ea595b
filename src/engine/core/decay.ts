import * as tf from '@tensorflow/tfjs-core';

/**
 * λ/2 Σ‖X_i‖² with the gradient λ·X_i written directly (one kernel per tensor). Autodiff of the
 * same expression takes four d×d kernels per layer and fills a d×d tensor of ones on the host; its
 * result, (dy·λ/2)·(2·X), is bit-identical to dy·λ·X (scaling by 2 is exact in float32).
 */
export function decay(lambda: number, xs: tf.Variable<tf.Rank.R2>[]): tf.Scalar {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const inputs = args.slice(0, xs.length) as tf.Tensor2D[];
    // the inputs are variables (never freed by the step's tidy): no saved copies needed
    const sq =
      inputs.length === 1
        ? tf.sum(tf.square(inputs[0]))
        : tf.addN(inputs.map((x) => tf.sum(tf.square(x))));
    return {
      value: tf.mul(sq, lambda / 2),
      gradFunc: (dy: tf.Tensor) => {
        const scale = tf.mul(dy, lambda);
        return inputs.map((x) => tf.mul(x, scale));
      },
    };
  });
  return op(...xs) as tf.Scalar;
}
