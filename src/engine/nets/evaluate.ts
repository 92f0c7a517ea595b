// The eval-mode forward pass over a split's measured rows: what every measurement starts from.
import * as tf from '@tensorflow/tfjs-core';
import type { SplitFeeder } from './feeder';
import type { ForwardMode } from './layers';
import type { NetModel } from './model';
import { addMany } from '../core/addMany';

export interface EvaluatedSplit {
  /** rows × featureDim penultimate features (the caller disposes them) */
  features: tf.Tensor2D;
  accuracy: number;
  /** for K ≥ 5: the share whose label is among the 5 largest logits; else null */
  top5: number | null;
}

/**
 * Eval-mode forward pass over `rows` of a split, `batch` rows at a time: features, accuracy and,
 * for K ≥ 5, top-5 accuracy (the true class among the 5 largest logits: fewer than 5 logits
 * above it). One read-back, of the two hit counts.
 */
export async function evaluateRows(
  model: NetModel,
  feeder: SplitFeeder,
  rows: Int32Array,
  K: number,
  batch: number,
): Promise<EvaluatedSplit> {
  const withTop5 = K >= 5;
  // No gradient here, so tf.conv2d serves every backend (and is the fastest forward).
  const mode: ForwardMode = { training: false, updateStats: false, conv: 'native' };
  const chunks: tf.Tensor2D[] = [];
  const hits: tf.Scalar[] = [];
  const hits5: tf.Scalar[] = [];
  for (let s = 0; s < rows.length; s += batch) {
    const part = rows.subarray(s, Math.min(rows.length, s + batch));
    const [h, hit, hit5] = tf.tidy(() => {
      const { features, logits } = model.forward(feeder.inputs(part, model.imageInput), mode);
      const labels = feeder.labels(part);
      const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'int32'));
      let inTop5: tf.Scalar = tf.scalar(0, 'int32');
      if (withTop5) {
        const own = tf.sum(tf.mul(logits, tf.oneHot(labels, K)), 1, true);
        const above = tf.sum(tf.cast(tf.greater(logits, own), 'int32'), 1);
        inTop5 = tf.sum(tf.cast(tf.less(above, 5), 'int32'));
      }
      return [features, correct as tf.Scalar, inTop5] as const;
    });
    chunks.push(h);
    hits.push(hit);
    hits5.push(hit5);
  }
  const features = chunks.length === 1 ? chunks[0] : tf.concat(chunks, 0);
  if (chunks.length > 1) tf.dispose(chunks);
  const total = tf.tidy(() => tf.stack([addMany(hits), addMany(hits5)]));
  const [correct, correct5] = Array.from(await total.data());
  tf.dispose([total, ...hits, ...hits5]);
  return {
    features,
    accuracy: correct / rows.length,
    top5: withTop5 ? correct5 / rows.length : null,
  };
}
