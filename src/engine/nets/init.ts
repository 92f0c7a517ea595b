import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../core/rng';

/**
 * PyTorch's default initialisation of Linear and Conv2d: kaiming_uniform(a = √5) for the weight,
 * which is U(±1/√fan_in), and U(±1/√fan_in) for the bias (fan_in = inputs · kernel area).
 */
export function torchDefaultUniform(rng: Rng, length: number, fanIn: number): Float32Array {
  const bound = 1 / Math.sqrt(fanIn);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = (2 * rng.uniform() - 1) * bound;
  return out;
}

/** kaiming_normal_(mode='fan_out', nonlinearity='relu'): N(0, 2/fan_out), fan_out = out · k². */
export function kaimingNormalFanOut(rng: Rng, length: number, fanOut: number): Float32Array {
  const std = Math.sqrt(2 / fanOut);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.normal(0, std);
  return out;
}

/**
 * torch.nn.init.orthogonal_ (gain 1) of an out×in weight, as an out×in tensor: orthonormal rows
 * when out ≤ in, otherwise orthonormal columns. torch takes the Q of a QR factorisation of a
 * Gaussian matrix with R's diagonal made positive, which is exactly what Gram–Schmidt produces
 * (a Haar-distributed frame). The Gaussian entries come from the seeded JS RNG; the
 * orthonormalisation runs on the device (blocked classical Gram–Schmidt, each projection done
 * twice, float32): a 2048×3072 layer costs O(r²c) flops, minutes in plain JS but matmuls here.
 * Orthonormal to ~1e-6; backends may differ in the last float32 bits.
 */
export function orthogonal(rng: Rng, rows: number, cols: number): tf.Tensor2D {
  const n = Math.min(rows, cols); // vectors to orthonormalise
  const len = Math.max(rows, cols); // their length
  const gauss = new Float32Array(n * len);
  for (let i = 0; i < gauss.length; i++) gauss[i] = rng.normal(0, 1);
  const A = tf.tensor2d(gauss, [n, len]);
  // Q (rows done so far) and Qᵀ side by side: wasm's fast matmul takes no transposed operand.
  // One tidy per block, so a large layer holds two copies of Q at most, not one per block.
  let Q: tf.Tensor2D | null = null;
  let QT: tf.Tensor2D | null = null;
  for (let s = 0; s < n; s += ORTHO_BLOCK) {
    const prev: tf.Tensor2D | null = Q;
    const prevT: tf.Tensor2D | null = QT;
    [Q, QT] = tf.tidy((): [tf.Tensor2D, tf.Tensor2D] => {
      let X = tf.slice(A, [s, 0], [Math.min(ORTHO_BLOCK, n - s), len]);
      if (prev && prevT) X = projectOut(X, prev, prevT);
      const B = orthonormalRows(X);
      const BT = tf.transpose(B);
      return [prev ? tf.concat([prev, B], 0) : B, prevT ? tf.concat([prevT, BT], 1) : BT];
    });
    tf.dispose([prev, prevT].filter((t): t is tf.Tensor2D => t !== null));
  }
  A.dispose();
  const [keep, drop] = rows <= cols ? [Q, QT] : [QT, Q];
  (drop as tf.Tensor2D).dispose();
  return keep as tf.Tensor2D;
}

/** Rows per block; 32–64 is fastest on wasm (2048×3072: 7 s, at the matmul flop bound). */
const ORTHO_BLOCK = 32;

/** X − (X Qᵀ) Q, twice ("twice is enough" for classical Gram–Schmidt); Q has orthonormal rows. */
function projectOut(X: tf.Tensor2D, Q: tf.Tensor2D, QT: tf.Tensor2D): tf.Tensor2D {
  for (let pass = 0; pass < 2; pass++) X = tf.sub(X, tf.matMul(tf.matMul(X, QT), Q));
  return X;
}

/** Gram–Schmidt over the rows of a small block, one row at a time. */
function orthonormalRows(X: tf.Tensor2D): tf.Tensor2D {
  const [m, len] = X.shape;
  const done: tf.Tensor2D[] = [];
  for (let i = 0; i < m; i++) {
    let v = tf.slice(X, [i, 0], [1, len]);
    if (i > 0) {
      const D = tf.concat(done, 0);
      v = projectOut(v, D, tf.transpose(D));
    }
    done.push(tf.div(v, tf.norm(v)));
  }
  return m === 1 ? done[0] : tf.concat(done, 0);
}
