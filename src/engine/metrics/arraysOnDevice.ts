// Host arrays → tfjs float32 tensors → the streaming device path (computeMetrics): what the
// metrics CLI and the browser's feature mode run, on whatever tfjs backend is active.
import * as tf from '@tensorflow/tfjs-core';
import { computeMetrics } from './device';
import { rowSource } from './hostmatrix';
import type { MetricSet } from './keys';
import type { ArrayMetricsInput, DenseMatrix, HostMatrix, MetricsResult } from './types';
import { toInt32Labels } from './validate';

function isDense(m: HostMatrix): m is DenseMatrix {
  return !Array.isArray(m) && 'data' in m;
}

/** A host matrix as a float32 tensor (dense buffers convert in one go). */
function toTensor(m: HostMatrix, what: string): tf.Tensor2D {
  const s = rowSource(m, what);
  const buf = new Float32Array(s.rows * s.cols);
  if (isDense(m)) buf.set(m.data);
  else for (let i = 0; i < s.rows; i++) buf.set(s.row(i), i * s.cols);
  return tf.tensor2d(buf, [s.rows, s.cols]);
}

/** computeMetrics on the active tfjs backend from host arrays; frees every tensor it made. */
export async function computeMetricsOnDevice(
  input: ArrayMetricsInput,
  set: MetricSet,
  batchSize?: number,
): Promise<MetricsResult> {
  const owned: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => {
    owned.push(t);
    return t;
  };
  try {
    return await computeMetrics(
      {
        K: input.K,
        features: keep(toTensor(input.features, 'features')),
        labels: toInt32Labels(input.labels, 'labels'),
        W: input.W ? keep(toTensor(input.W, 'W')) : null,
        b: input.b ? Array.from(input.b) : null,
        testFeatures: input.testFeatures
          ? keep(toTensor(input.testFeatures, 'testFeatures'))
          : null,
        testLabels: input.testLabels ? toInt32Labels(input.testLabels, 'testLabels') : null,
        labelsOriginal: input.labelsOriginal
          ? toInt32Labels(input.labelsOriginal, 'labelsOriginal')
          : null,
        oodGlobalMean: input.oodGlobalMean ? Array.from(input.oodGlobalMean) : null,
        layers: input.layers ? input.layers.map((L, l) => keep(toTensor(L, `layers[${l}]`))) : null,
        gof: input.gof ?? null,
        pinvRtol: input.pinvRtol,
        batchSize,
      },
      set,
    );
  } finally {
    owned.forEach((t) => t.dispose());
  }
}
