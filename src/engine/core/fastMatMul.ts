import * as tf from '@tensorflow/tfjs-core';
import { addBias, channelSums } from './biasAdd';
import { heapOrPool } from './heapTuner';
import { canGemmOnHost, hostMatMul } from './hostGemm';
import { canTransposeOnHost, hostTranspose } from './hostTranspose';

/**
 * a·b with a gradient that never asks tfjs for a transposed matmul. tfjs's wasm backend runs its
 * fast (SIMD) kernel only when neither input is transposed, and the built-in matMul gradient
 * transposes both times; here each gradient picks the cheaper phrasing (measured 2–11× on wasm,
 * docs/backends.md §4). The values are the same products. On wasm a product whose shape fits
 * runs on the lab's own heap product instead (hostGemm.ts), which packs nothing; with tfjs's
 * thread pool, where that is faster for the shape (heapTuner.ts).
 *
 * Variables are not saved for the backward pass: tfjs saves an input by copying it (an Identity
 * kernel, 16 MB for a 2048×2048 layer), and a variable outlives the step anyway.
 */
export function fastMatMul(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  bias: tf.Tensor1D | null = null,
): tf.Tensor2D {
  return (bias ? biasedOp(a, b, bias) : op(a, b)) as tf.Tensor2D;
}

/**
 * a·b (+ bias) for an `a` nobody differentiates (a network's input batch): only b (and the bias)
 * get a gradient. A custom gradient computes every input's gradient eagerly, and the first
 * layer's input gradient is a full batch × in × out product (7 % of seed 000's MLP step) thrown
 * away.
 */
export function fastMatMulConstLeft(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  bias: tf.Tensor1D | null = null,
): tf.Tensor2D {
  const weightOnly = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const B = args[0] as tf.Tensor2D;
    const save = args[args.length - 1] as tf.GradSaveFunc;
    // `a` is no input of this op, so tfjs would free it with the forward pass: keep a copy
    save([a]);
    const y = freshRightProduct(a, B);
    return {
      value: bias ? addBias(y, bias) : y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const dW = transposedTimes(saved[0] as tf.Tensor2D, dy as tf.Tensor2D);
        return bias ? [dW, channelSums(dy)] : [dW];
      },
    };
  });
  return (bias ? weightOnly(b, bias) : weightOnly(b)) as tf.Tensor2D;
}

const op = productOp(false);

/**
 * a·b + bias as one op: the bias as an op of its own (biasAdd.ts) cost each dense layer a
 * custom gradient's bookkeeping in a step (its forward, the copies tfjs keeps, reshapes of dy:
 * ~5 kernels), ~5 % of seed 002's 2 ms step. The same numbers: the product, then y + b.
 */
const biasedOp = productOp(true);

/** The product (and bias) as one custom op; inputs A, B (and the bias). */
function productOp(biased: boolean) {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [A, B] = args as [tf.Tensor2D, tf.Tensor2D];
    const bias = biased ? (args[2] as tf.Tensor1D) : null;
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const saveA = !(A instanceof tf.Variable);
    const saveB = !(B instanceof tf.Variable);
    save([...(saveA ? [A] : []), ...(saveB ? [B] : [])]);
    const y = freshRightProduct(A, B);
    return {
      value: bias ? addBias(y, bias) : y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const sa = saveA ? (saved[0] as tf.Tensor2D) : A;
        const sb = saveB ? (saved[saveA ? 1 : 0] as tf.Tensor2D) : B;
        const dC = dy as tf.Tensor2D;
        const grads = [timesTransposed(dC, sb), transposedTimes(sa, dC)];
        return bias ? [...grads, channelSums(dC)] : grads;
      },
    };
  });
}

/**
 * Relative cost, per element, of a matMul's right operand on wasm: XNNPACK re-packs it on every
 * call unless it is the very same tensor as last time, which in training it never is (measured
 * 6–8 ns per element against ~1.5 ns for copying it once more in a transpose). Other backends
 * read both operands alike. The gradients' phrasings keep this ratio even where the tiled loop
 * copies at ~0.6 ns: with that ratio they chose products of shapes XNNPACK runs slower (ResNet18
 * ⅛ and VGG16 ⅛ steps 2–3 % slower), and their copies are the tiled loop's anyway.
 */
function packCost(): number {
  return tf.getBackend() === 'wasm' ? 4 : 0;
}

/**
 * ns a number: XNNPACK's re-pack of a right operand, and the tiled loop's transposed copy. The
 * efficiency bench's new-operand timings put packing at 2.0–2.3 ns for the 50–400 k-number
 * operands of its steps and ~4 for a 786 k one; the flips it picks are timed faster than the
 * direct products on those shapes all the same (seed 000's 128 × 512 · 512 × 512 1.98 against
 * 2.14 ms, seed 002's 16 × 3 072 · 3 072 × 256 1.26 against 2.41 ms).
 */
const PACK_NS = 6;
const TILED_COPY_NS = 0.6;

/**
 * The three copies' own cost beyond their numbers (a tensor each, the calls): ~8 µs apiece, so
 * a small product (a 64-wide head layer) is not flipped for a saving smaller than that.
 */
const FLIP_OVERHEAD_NS = 25_000;

/** tᵀ: the tiled wasm loop where it runs, else tfjs's Transpose (the same numbers). */
function transposeOf(t: tf.Tensor2D): tf.Tensor2D {
  return hostTranspose(t) ?? tf.transpose(t);
}

/**
 * a·b for a `b` that is new at every call (a weight just updated), as a·b or as (bᵀ·aᵀ)ᵀ,
 * whichever packs and copies fewer numbers: a wide layer fed a small batch (seed 002's first
 * layer, 16 × 3 072 · 3 072 × 256) re-packs 786 k numbers for a product of 12.6 M multiply–adds
 * (3.6 ms), against 49 k and three copies flipped (1.5 ms). Only where the tiled transpose runs
 * (wasm with SIMD): tfjs's Transpose costs up to 7 ns a number. XNNPACK sums each output over k
 * in the same order either way: the numbers are the same to the last bit
 * (fastMatMul.wasm.test.ts).
 */
export function freshRightProduct(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return heapOrPool(
    () => `a·b ${a.shape}·${b.shape}`,
    () => hostMatMul(a, b),
    () => pooledFreshRight(a, b),
  );
}

/** freshRightProduct by tfjs's matMul (XNNPACK), flipped where that packs fewer numbers. */
function pooledFreshRight(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const [n, k] = a.shape;
  const m = b.shape[1];
  const direct = PACK_NS * k * m;
  // A small weight is not worth asking (a d = 64 UFM step is a few µs a product).
  if (direct <= FLIP_OVERHEAD_NS || !canTransposeOnHost()) return tf.matMul(a, b);
  const flipped = TILED_COPY_NS * (k * m + n * k + n * m) + PACK_NS * n * k + FLIP_OVERHEAD_NS;
  if (flipped >= direct) return tf.matMul(a, b);
  const bt = transposeOf(b);
  const at = transposeOf(a);
  const yt = tf.matMul(bt, at) as tf.Tensor2D;
  const y = transposeOf(yt);
  tf.dispose([bt, at, yt]);
  return y;
}

/** X·Yᵀ: matMul(X, Yᵀ), or (Y·Xᵀ)ᵀ, whichever copies and packs fewer elements. */
export function timesTransposed(X: tf.Tensor2D, Y: tf.Tensor2D): tf.Tensor2D {
  return heapOrPool(
    () => `a·bᵀ ${X.shape}·${Y.shape}`,
    () => hostTimesTransposed(X, Y),
    () => pooledTimesTransposed(X, Y),
  );
}

function pooledTimesTransposed(X: tf.Tensor2D, Y: tf.Tensor2D): tf.Tensor2D {
  const p = packCost();
  const direct = Y.size * (1 + p);
  const flipped = X.size * (1 + p) + X.shape[0] * Y.shape[0];
  return direct <= flipped
    ? tf.matMul(X, transposeOf(Y))
    : transposeOf(tf.matMul(Y, transposeOf(X)) as tf.Tensor2D);
}

/** Xᵀ·Y: matMul(Xᵀ, Y), or (Yᵀ·X)ᵀ, whichever copies and packs fewer elements. */
export function transposedTimes(X: tf.Tensor2D, Y: tf.Tensor2D): tf.Tensor2D {
  return heapOrPool(
    () => `aᵀ·b ${X.shape}·${Y.shape}`,
    () => hostTransposedTimes(X, Y),
    () => pooledTransposedTimes(X, Y),
  );
}

function pooledTransposedTimes(X: tf.Tensor2D, Y: tf.Tensor2D): tf.Tensor2D {
  const p = packCost();
  const direct = X.size + p * Y.size;
  const flipped = Y.size + p * X.size + X.shape[1] * Y.shape[1];
  return direct <= flipped
    ? tf.matMul(transposeOf(X), Y)
    : transposeOf(tf.matMul(transposeOf(Y), X) as tf.Tensor2D);
}

/** Xᵀ·Y on the heap (hostGemm.ts); null where the heap product does not run. */
function hostTransposedTimes(X: tf.Tensor2D, Y: tf.Tensor2D): tf.Tensor2D | null {
  if (!canGemmOnHost(X.shape[1], Y.shape[1])) return null;
  // Xᵀ copied, then read by rows: the heap product with A read down its columns ran slower
  // than the copy and the plain product (seed 000's first layer 13.4 against 7.7 ms)
  const xt = transposeOf(X);
  const host = hostMatMul(xt, Y);
  xt.dispose();
  return host;
}

/**
 * X·Yᵀ on the heap (hostGemm.ts), which reads its right operand as it lies: X·(Yᵀ) with Y
 * transposed, or (Y·Xᵀ)ᵀ with X and the product transposed, whichever copies fewer numbers
 * (a layer's input gradient dY·Wᵀ copies W, or dY and dX when the batch is small). Null where
 * the heap product does not run.
 */
function hostTimesTransposed(X: tf.Tensor2D, Y: tf.Tensor2D): tf.Tensor2D | null {
  const [n, m] = [X.shape[0], Y.shape[0]];
  const viaYt = Y.size <= X.size + n * m;
  if (viaYt ? !canGemmOnHost(n, m) : !canGemmOnHost(m, n)) return null;
  if (viaYt) {
    const yt = transposeOf(Y);
    const out = hostMatMul(X, yt);
    yt.dispose();
    return out;
  }
  const xt = transposeOf(X);
  const out = hostMatMul(Y, xt);
  xt.dispose();
  if (!out) return null;
  const y = transposeOf(out);
  out.dispose();
  return y;
}
