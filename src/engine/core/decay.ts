import * as tf from '@tensorflow/tfjs-core';

/**
 * λ/2 Σ‖X_i‖² with the gradient λ·X_i written directly (one kernel per tensor). Autodiff of the
 * same expression takes four d×d kernels per layer and fills a d×d tensor of ones on the host; its
 * result, (dy·λ/2)·(2·X), is bit-identical to dy·λ·X (scaling by 2 is exact in float32).
 */
export function decay(
  lambda: number,
  xs: tf.Variable<tf.Rank.R2>[],
  options: { value?: boolean } = {},
): tf.Scalar {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const inputs = args.slice(0, xs.length) as tf.Tensor2D[];
    // A step whose loss nobody reads needs only the gradient: its value is left out (0), which
    // saves a square and a sum over every matrix (2 of a d = 2048 step's d×d passes per layer).
    if (options.value === false) {
      return { value: tf.scalar(0), gradFunc: (dy: tf.Tensor) => grads(dy, inputs, lambda) };
    }
    // the inputs are variables (never freed by the step's tidy): no saved copies needed
    const sq =
      inputs.length === 1
        ? tf.sum(tf.square(inputs[0]))
        : tf.addN(inputs.map((x) => tf.sum(tf.square(x))));
    return {
      value: tf.mul(sq, lambda / 2),
      gradFunc: (dy: tf.Tensor) => grads(dy, inputs, lambda),
    };
  });
  return op(...xs) as tf.Scalar;
}

/** d/dX_i of λ/2 Σ‖X_i‖², times dy: λ·dy·X_i. */
function grads(dy: tf.Tensor, inputs: tf.Tensor2D[], lambda: number): tf.Tensor[] {
  const scale = tf.mul(dy, lambda);
  return inputs.map((x) => tf.mul(x, scale));
}
