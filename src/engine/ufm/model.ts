import * as tf from '@tensorflow/tfjs-core';
import type { UfmConfig } from '../config/schema';
import type { UfmInitArrays } from './initState';
import { fastMatMul } from '../core/fastMatMul';
import { decay } from '../core/decay';

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
    let P: tf.Tensor2D = this.layers[this.layers.length - 1];
    for (let j = this.layers.length - 2; j >= 0; j--) P = fastMatMul(P, this.layers[j]);
    return P;
  }

  /**
   * The three loss terms, as scalars (data: MSE or cross-entropy). Call inside tf.tidy. With
   * `decayValues` false the decay terms are 0 and only their gradients are right (a step whose
   * loss is not read).
   */
  lossTerms(decayValues = true): {
    data: tf.Scalar;
    weightDecay: tf.Scalar;
    featureDecay: tf.Scalar;
  } {
    const { lambdaW, lambdaH } = this.config;
    // Z = H Pᵀ; transposing the K×d product is cheap, transposed matmuls are not (on wasm).
    let Z: tf.Tensor2D = fastMatMul(this.H, tf.transpose(this.product()));
    if (this.bias) Z = tf.add(Z, this.bias);
    const data = this.dataLoss(Z);
    const weightDecay = decay(lambdaW, this.layers, { value: decayValues });
    const featureDecay = decay(lambdaH, [this.H], { value: decayValues });
    return { data, weightDecay, featureDecay };
  }

  /** ‖Z − Y‖²/(2N), or the cross-entropy −Σ Y ⊙ log softmax(Z) / N (mean over samples). */
  private dataLoss(Z: tf.Tensor2D): tf.Scalar {
    if (this.config.loss === 'ce') {
      return tf.div(tf.neg(tf.sum(tf.mul(this.Y, tf.logSoftmax(Z)))), this.N) as tf.Scalar;
    }
    return tf.div(tf.sum(tf.squaredDifference(Z, this.Y)), 2 * this.N) as tf.Scalar;
  }

  /** The loss; `forGradientOnly`: a step that reads only the gradient (decay values left out). */
  loss(forGradientOnly = false): tf.Scalar {
    const { data, weightDecay, featureDecay } = this.lossTerms(!forGradientOnly);
    return tf.addN([data, weightDecay, featureDecay]) as tf.Scalar;
  }

  dispose(): void {
    tf.dispose([...this.variables, this.Y]);
  }
}
