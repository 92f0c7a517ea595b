import * as tf from '@tensorflow/tfjs-core';

/**
 * a·b with a gradient that never asks tfjs for a transposed matmul. tfjs's wasm backend runs its
 * fast (SIMD) kernel only when neither input is transposed, and the built-in matMul gradient
 * transposes both times; here each gradient transposes explicitly whichever operand is cheaper
 * (measured 2–11× on wasm, docs/backends.md §4). The values are the same products.
 */
export function fastMatMul(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return op(a, b) as tf.Tensor2D;
}

const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [A, B, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([A, B]);
  return {
    value: tf.matMul(A, B),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as tf.Tensor2D[];
      const dC = dy as tf.Tensor2D;
      return [timesTransposed(dC, sb), transposedTimes(sa, dC)];
    },
  };
});

/** X·Yᵀ: transpose Y, or compute (Y·Xᵀ)ᵀ when X and the result are smaller than Y. */
function timesTransposed(X: tf.Tensor2D, Y: tf.Tensor2D): tf.Tensor2D {
  const direct = Y.size;
  const flipped = X.size + X.shape[0] * Y.shape[0];
  return direct <= flipped
    ? tf.matMul(X, tf.transpose(Y))
    : tf.transpose(tf.matMul(Y, tf.transpose(X)));
}

/** Xᵀ·Y: transpose X, or compute (Yᵀ·X)ᵀ when Y and the result are smaller than X. */
function transposedTimes(X: tf.Tensor2D, Y: tf.Tensor2D): tf.Tensor2D {
  const direct = X.size;
  const flipped = Y.size + X.shape[1] * Y.shape[1];
  return direct <= flipped
    ? tf.matMul(tf.transpose(X), Y)
    : tf.transpose(tf.matMul(tf.transpose(Y), X));
}
