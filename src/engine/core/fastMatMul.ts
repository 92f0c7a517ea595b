import * as tf from '@tensorflow/tfjs-core';

/**
 * a·b with a gradient that never asks tfjs for a transposed matmul. tfjs's wasm backend runs its
 * fast (SIMD) kernel only when neither input is transposed, and the built-in matMul gradient
 * transposes both times; here each gradient picks the cheaper phrasing (measured 2–11× on wasm,
 * docs/backends.md §4). The values are the same products.
 *
 * Variables are not saved for the backward pass: tfjs saves an input by copying it (an Identity
 * kernel, 16 MB for a 2048×2048 layer), and a variable outlives the step anyway.
 */
export function fastMatMul(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return op(a, b) as tf.Tensor2D;
}

/**
 * a·b for an `a` nobody differentiates (a network's input batch): only b gets a gradient. A
 * custom gradient computes every input's gradient eagerly, and the first layer's input gradient
 * is a full batch × in × out product (7 % of seed 000's MLP step) thrown away.
 */
export function fastMatMulConstLeft(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const weightOnly = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [B, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    // `a` is no input of this op, so tfjs would free it with the forward pass: keep a copy
    save([a]);
    return {
      value: tf.matMul(a, B),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [
        transposedTimes(saved[0] as tf.Tensor2D, dy as tf.Tensor2D),
      ],
    };
  });
  return weightOnly(b) as tf.Tensor2D;
}

const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [A, B, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  const saveA = !(A instanceof tf.Variable);
  const saveB = !(B instanceof tf.Variable);
  save([...(saveA ? [A] : []), ...(saveB ? [B] : [])]);
  return {
    value: tf.matMul(A, B),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const sa = saveA ? (saved[0] as tf.Tensor2D) : A;
      const sb = saveB ? (saved[saveA ? 1 : 0] as tf.Tensor2D) : B;
      const dC = dy as tf.Tensor2D;
      return [timesTransposed(dC, sb), transposedTimes(sa, dC)];
    },
  };
});

/**
 * Relative cost, per element, of a matMul's right operand on wasm: XNNPACK re-packs it on every
 * call unless it is the very same tensor as last time, which in training it never is (measured
 * 6–8 ns per element against ~1.5 ns for copying it once more in a transpose). Other backends
 * read both operands alike. Not used for the forward product: wasm's Transpose of a large
 * power-of-two matrix costs more than the re-pack it would save (2048 × 2048: 9.4 ns an element
 * against 3; 2000 × 2000: 0.9), so A·B stays A·B.
 */
function packCost(): number {
  return tf.getBackend() === 'wasm' ? 4 : 0;
}

/** X·Yᵀ: matMul(X, Yᵀ), or (Y·Xᵀ)ᵀ, whichever copies and packs fewer elements. */
export function timesTransposed(X: tf.Tensor2D, Y: tf.Tensor2D): tf.Tensor2D {
  const p = packCost();
  const direct = Y.size * (1 + p);
  const flipped = X.size * (1 + p) + X.shape[0] * Y.shape[0];
  return direct <= flipped
    ? tf.matMul(X, tf.transpose(Y))
    : tf.transpose(tf.matMul(Y, tf.transpose(X)));
}

/** Xᵀ·Y: matMul(Xᵀ, Y), or (Yᵀ·X)ᵀ, whichever copies and packs fewer elements. */
export function transposedTimes(X: tf.Tensor2D, Y: tf.Tensor2D): tf.Tensor2D {
  const p = packCost();
  const direct = X.size + p * Y.size;
  const flipped = Y.size + p * X.size + X.shape[1] * Y.shape[1];
  return direct <= flipped
    ? tf.matMul(tf.transpose(X), Y)
    : tf.transpose(tf.matMul(tf.transpose(Y), X));
}
