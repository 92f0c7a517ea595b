import * as tf from '@tensorflow/tfjs-core';
import type { NetConfig } from '../config/schema';
import { heapCrossEntropy } from './crossEntropyHeap';

export type LossKind = NetConfig['loss'];

export interface LossSpec {
  kind: LossKind;
  K: number;
  /** Label smoothing α (ls) or label relaxation α (lr). */
  alpha: number;
  /** Multiplier of the MSE: 1 = nn.MSELoss(); ½ = seed 000's imbalanced `--sep_decay` path. */
  mseScale: number;
}

/**
 * The data term on the logits z (B×K) for integer labels, a mean over the batch:
 * - mse: nn.MSELoss() against one-hot targets, Σ(z − y)²/(B·K) (× mseScale);
 * - ce: nn.CrossEntropyLoss();
 * - ls: cross-entropy against (1 − α)·onehot + α/K (= CrossEntropyLoss(label_smoothing = α));
 * - lr: label relaxation (Lienen & Hüllermeier 2021; docs/memorization-dilation.md §3).
 */
export function dataLoss(spec: LossSpec, logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  // int32 one-hot, then cast: wasm's OneHot writes int bits into a float32 output (1 → 1.4e-45).
  const onehot = tf.cast(tf.oneHot(labels, spec.K), 'float32') as tf.Tensor2D;
  switch (spec.kind) {
    case 'mse':
      return tf.mul(tf.mean(tf.squaredDifference(logits, onehot)), spec.mseScale) as tf.Scalar;
    case 'ce':
      return crossEntropy(logits, onehot);
    case 'ls': {
      const target = tf.add(tf.mul(onehot, 1 - spec.alpha), spec.alpha / spec.K) as tf.Tensor2D;
      return crossEntropy(logits, target);
    }
    case 'lr':
      return labelRelaxation(logits, onehot, spec.alpha);
  }
}

function crossEntropy(logits: tf.Tensor2D, target: tf.Tensor2D): tf.Scalar {
  return (
    heapCrossEntropy(logits, target) ??
    (tf.neg(tf.mean(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1))) as tf.Scalar)
  );
}

/**
 * Label relaxation with p = softmax(z): the credal target q (computed without gradient) has
 * q_y = 1 − α and q_k = α·p_k/s for k ≠ y, s = Σ_{k≠y} p_k; the per-sample loss is
 * KL(q‖p) = Σ q_k (log q_k − log p_k), or 0 when p_y > 1 − α; mean over the batch.
 *
 * Written in logs so it stays finite when some p_k underflow: Σ_{k≠y} q_k (log q_k − log p_k)
 * = α (log α − log s) exactly, so KL = (1 − α)(log(1 − α) − log p_y) + α (log α − log s).
 * Because q is held fixed, the gradient is (p − q)/B on the active samples (custom gradient).
 */
export function labelRelaxation(
  logits: tf.Tensor2D,
  onehot: tf.Tensor2D,
  alpha: number,
): tf.Scalar {
  const B = logits.shape[0];
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [z, y, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    const logp = tf.logSoftmax(z);
    const logpY = tf.sum(tf.mul(logp, y), 1);
    // log s = logsumexp over k ≠ y of log p_k (−∞ contributions masked out).
    const logS = tf.logSumExp(tf.where(tf.cast(y, 'bool'), tf.fill(z.shape, -Infinity), logp), 1);
    // where, not a product: an inactive sample may have s = 0 (log s = −∞).
    const active = tf.lessEqual(logpY, Math.log(1 - alpha));
    const trueTerm = tf.mul(1 - alpha, tf.sub(Math.log(1 - alpha), logpY));
    const restTerm = alpha > 0 ? tf.mul(alpha, tf.sub(Math.log(alpha), logS)) : tf.zerosLike(logS);
    const perSample = tf.where(active, tf.add(trueTerm, restTerm), tf.zerosLike(logpY));
    save([logp, logS, y, active]);
    return {
      value: tf.div(tf.sum(perSample), B) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [slp, sls, sy, sact] = saved as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D];
        const p = tf.exp(slp);
        // q_k = α p_k / s off the label, 1 − α on it.
        const rest = tf.mul(alpha, tf.exp(tf.sub(slp, tf.expandDims(sls, 1))));
        const q = tf.where(tf.cast(sy, 'bool'), tf.fill(sy.shape, 1 - alpha), rest);
        const mask = tf.broadcastTo(tf.expandDims(sact, 1), sy.shape);
        const g = tf.where(mask, tf.div(tf.sub(p, q), B), tf.zerosLike(p));
        return [tf.mul(g, dy), tf.zerosLike(sy)];
      },
    };
  });
  return op(logits, onehot) as tf.Scalar;
}
