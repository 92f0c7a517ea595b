import * as tf from '@tensorflow/tfjs-core';
import type { UfmConfig } from '../config/schema';
import type { UfmInitArrays } from './initState';
import { freshRightProduct, transposedTimes } from '../core/fastMatMul';
import { addMany } from '../core/addMany';
import type { DecayRates } from '../core/hostMomentum';

/**
 * The deep-linear unconstrained-features model (Dang et al. 2023's synthetic scripts;
 * docs/deep-linear-theory.md §1):
 *   f = ‖W_M⋯W_1 H + b1ᵀ − Y‖²/(2N) + λ_W/2 Σ‖W_j‖² + λ_H/2 ‖H‖²   (b never decayed),
 * or with loss = ce the mean cross-entropy (label-smoothed targets) as the data term (§9).
 * H is stored N×d (rows = samples) and each W_j out×in, as in the reference code.
 */
export class UfmModel {
  readonly N: number;
  readonly K: number;
  readonly d: number;
  readonly labels: Int32Array;
  readonly H: tf.Variable<tf.Rank.R2>;
  readonly layers: tf.Variable<tf.Rank.R2>[];
  readonly bias: tf.Variable<tf.Rank.R1> | null;
  /** One-hot labels; for cross-entropy with label smoothing α, (1 − α) one-hot + α/K. */
  private readonly Y: tf.Tensor2D;

  constructor(
    readonly config: UfmConfig,
    init: UfmInitArrays,
  ) {
    this.N = init.N;
    this.K = init.K;
    this.d = init.d;
    this.labels = init.labels;
    // Inside tidy, so the tensors the variables are copied from are freed.
    this.H = tf.tidy(() => tf.variable(tf.tensor2d(init.H, [init.N, init.d])));
    this.layers = init.layers.map((l) =>
      tf.tidy(() => tf.variable(tf.tensor2d(l.data, [l.rows, l.cols]))),
    );
    const bias = init.bias;
    this.bias = bias ? tf.tidy(() => tf.variable(tf.tensor1d(bias))) : null;
    const alpha = config.loss === 'ce' ? config.labelSmoothing : 0;
    this.Y = tf.tidy(() => {
      const oneHot = tf.cast(tf.oneHot(tf.tensor1d(init.labels, 'int32'), init.K), 'float32');
      return (
        alpha > 0 ? tf.add(tf.mul(oneHot, 1 - alpha), alpha / init.K) : oneHot
      ) as tf.Tensor2D;
    });
  }

  get variables(): tf.Variable[] {
    return [this.H, ...this.layers, ...(this.bias ? [this.bias] : [])];
  }

  /**
   * W_M⋯W_1 (K×d), multiplied from the top (for M = 1 this is the variable W_1 itself: clone it
   * before disposing): every product stays K×d, so a step costs
   * O(K d² M + N d K) instead of the O(N d² M) of pushing H through each d×d layer.
   */
  product(): tf.Tensor2D {
    return this.partialProducts()[0];
  }

  /**
   * Q[j] = W_M ⋯ W_{j+1} (K × d_j), from the top; Q[0] is the product, Q[M−1] the variable W_M.
   * Each W_j is new at every step, so XNNPACK would re-pack its d² numbers for a product of only
   * K·d² multiply–adds (~27 ms a layer at d = 2 048 on wasm): freshRightProduct flips it to
   * (W_jᵀ·Q[j+1]ᵀ)ᵀ where that is cheaper, with the same numbers.
   */
  private partialProducts(): tf.Tensor2D[] {
    const W = this.layers;
    const Q: tf.Tensor2D[] = new Array<tf.Tensor2D>(W.length);
    Q[W.length - 1] = W[W.length - 1];
    for (let j = W.length - 2; j >= 0; j--) Q[j] = freshRightProduct(Q[j + 1], W[j]);
    return Q;
  }

  /** The three loss terms, as scalars (data: MSE or cross-entropy). Call inside tf.tidy. */
  lossTerms(): LossTerms {
    return this.terms(this.logits(this.product()));
  }

  /** Z = H Pᵀ (+ b): transposing the K×d product is cheap, transposed matmuls are not (wasm). */
  private logits(P: tf.Tensor2D): tf.Tensor2D {
    const Z: tf.Tensor2D = tf.matMul(this.H, tf.transpose(P));
    return this.bias ? tf.add(Z, this.bias) : Z;
  }

  private terms(Z: tf.Tensor2D): LossTerms {
    const { lambdaW, lambdaH } = this.config;
    return {
      data: this.dataLoss(Z),
      weightDecay: decayValue(lambdaW, this.layers),
      featureDecay: decayValue(lambdaH, [this.H]),
    };
  }

  /** ‖Z − Y‖²/(2N), or the cross-entropy −Σ Y ⊙ log softmax(Z) / N (mean over samples). */
  private dataLoss(Z: tf.Tensor2D): tf.Scalar {
    if (this.config.loss === 'ce') {
      return tf.div(tf.neg(tf.sum(tf.mul(this.Y, tf.logSoftmax(Z)))), this.N) as tf.Scalar;
    }
    return tf.div(tf.sum(tf.squaredDifference(Z, this.Y)), 2 * this.N) as tf.Scalar;
  }

  /** The loss (training takes its gradients from `gradients`, not by autodiff of this). */
  loss(): tf.Scalar {
    return total(this.lossTerms());
  }

  /**
   * One step's gradients, written out: the same products autodiff takes (the chain from the K
   * side), without its tape. At d = 64 a step is pure per-kernel overhead, and the tape's
   * bookkeeping and saved copies were as much again as the kernels. The decay terms λ·X are not
   * in `grads`: `decay` gives each parameter's λ for the optimiser to fold in (`applyWithDecay`,
   * two kernels fewer per parameter). With `withLoss`, also the loss at the current parameters
   * (the value `loss()` gives). Call inside tf.tidy.
   */
  gradients(withLoss: boolean): {
    grads: tf.NamedTensorMap;
    decay: DecayRates;
    loss: tf.Scalar | null;
  } {
    const { lambdaW, lambdaH } = this.config;
    const W = this.layers;
    const M = W.length;
    const Q = this.partialProducts();
    const Z = this.logits(Q[0]);
    const dZ = this.dataGradient(Z);
    const grads: tf.NamedTensorMap = {};
    const decay: DecayRates = { [this.H.name]: lambdaH };
    for (const w of W) decay[w.name] = lambdaW;
    grads[this.H.name] = tf.matMul(dZ, Q[0]);
    if (this.bias) grads[this.bias.name] = tf.sum(dZ, 0);
    // back through P = W_M ⋯ W_1 from the K side, carrying T = Gᵀ (d_j × K), G the gradient with
    // respect to Q[j]: the chain step G·W_jᵀ is then W_j·T, one product with no transposes
    let T = transposedTimes(this.H, dZ);
    for (let j = 0; j < M - 1; j++) {
      grads[W[j].name] = weightGradient(Q[j + 1], T);
      T = tf.matMul(W[j], T);
    }
    grads[W[M - 1].name] = tf.transpose(T);
    return { grads, decay, loss: withLoss ? total(this.terms(Z)) : null };
  }

  /** ∂(data term)/∂Z, as tfjs's own gradients phrase it. */
  private dataGradient(Z: tf.Tensor2D): tf.Tensor2D {
    if (this.config.loss === 'ce') {
      const dy = tf.mul(this.Y, -1 / this.N);
      return tf.sub(dy, tf.mul(tf.sum(dy, -1, true), tf.exp(tf.logSoftmax(Z))));
    }
    // (1/2N)·2(Z − Y) is (Z − Y)·(1/N) exactly: halving 1/N is exact in float32
    return tf.mul(tf.sub(Z, this.Y), 1 / this.N);
  }

  dispose(): void {
    tf.dispose([...this.variables, this.Y]);
  }
}

/**
 * Q[j+1]ᵀ·G for G = Tᵀ: (T·Q[j+1])ᵀ, two kernels, where the out × in result is small enough that
 * transposing it costs less than a kernel (~6 µs on wasm, ~1 ns an element); else
 * Q[j+1]ᵀ·Tᵀ, whose transposes are of the K-row operands only.
 */
function weightGradient(Q: tf.Tensor2D, T: tf.Tensor2D): tf.Tensor2D {
  const resultSize = T.shape[0] * Q.shape[1];
  return resultSize <= SMALL_TRANSPOSE
    ? tf.transpose(tf.matMul(T, Q))
    : tf.matMul(tf.transpose(Q), tf.transpose(T));
}

/** Numbers a transpose moves in about one kernel's bookkeeping time (wasm). */
const SMALL_TRANSPOSE = 4096;

interface LossTerms {
  data: tf.Scalar;
  weightDecay: tf.Scalar;
  featureDecay: tf.Scalar;
}

const total = (t: LossTerms): tf.Scalar => addMany([t.data, t.weightDecay, t.featureDecay]);

/** λ/2 Σ‖X_i‖²: weight or feature decay's value (its gradient λ·X_i is written in `gradients`). */
function decayValue(lambda: number, xs: tf.Tensor2D[]): tf.Scalar {
  const sq = addMany(xs.map((x) => tf.sum(tf.square(x))));
  return tf.mul(sq, lambda / 2);
}
