// Device (tfjs tensors) entry point: streaming float32 accumulation, float64 host finalisation.
import * as tf from '@tensorflow/tfjs-core';
import { DeviceAccumulator } from './accumulate-device';
import type { MetricSet } from './keys';
import type { Rows } from '../core/linalg';
import { DEFAULT_PINV_RTOL, runPipeline } from './pipeline';
import type { MetricsInput, MetricsResult } from './types';
import { MetricsInputError, validateShapes } from './validate';

export const DEFAULT_BATCH_SIZE = 4096;

async function hostRows(W: tf.Tensor2D | number[][]): Promise<Rows> {
  if (Array.isArray(W)) return W.map((r) => Float64Array.from(r));
  const [m, n] = W.shape;
  const flat = await W.data();
  return Array.from({ length: m }, (_, i) => Float64Array.from(flat.subarray(i * n, (i + 1) * n)));
}

/** docs/metrics.md §5.1: some mobile GPUs fall back to float16 render targets. */
function webglFloat32(): boolean {
  try {
    return tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE');
  } catch {
    return true; // flag not registered: not the webgl backend's concern
  }
}

export async function computeMetrics(
  input: MetricsInput,
  set: MetricSet = 'core',
): Promise<MetricsResult> {
  const { features, labels, K } = input;
  if (features.rank !== 2)
    throw new MetricsInputError(`features must be a rank-2 tensor, got rank ${features.rank}`);
  const [N, d] = features.shape;
  const Wshape: [number, number] | null = input.W
    ? Array.isArray(input.W)
      ? [input.W.length, input.W.length > 0 ? input.W[0].length : 0]
      : [input.W.shape[0], input.W.shape[1]]
    : null;
  validateShapes({
    K,
    N,
    d,
    labels,
    W: Wshape,
    b: input.b ? input.b.length : null,
    test: input.testFeatures ? [input.testFeatures.shape[0], input.testFeatures.shape[1]] : null,
    testLabels: input.testLabels ? input.testLabels.length : null,
    labelsOriginal: input.labelsOriginal ?? null,
    ood: input.oodGlobalMean ? input.oodGlobalMean.length : null,
    layers: input.layers ? input.layers.map((L) => [L.shape[0], L.shape[1]]) : null,
    gof: input.gof ?? null,
  });
  if (input.testLabels) {
    for (const v of input.testLabels)
      if (!(v >= 0 && v < K))
        throw new MetricsInputError(`testLabels value ${v} is outside 0..${K - 1}`);
  }
  const batchSize = Math.max(1, Math.floor(input.batchSize ?? DEFAULT_BATCH_SIZE));
  const acc = new DeviceAccumulator({
    K,
    features,
    labels,
    labelsOriginal: input.labelsOriginal ?? null,
    testFeatures: input.testFeatures ?? null,
    testLabels: input.testLabels ?? null,
    layers: input.layers ?? null,
    batchSize,
  });
  try {
    const result = await runPipeline(
      acc,
      {
        K,
        labels,
        labelsOriginal: input.labelsOriginal ?? null,
        testLabels: input.testFeatures && input.testLabels ? input.testLabels : null,
        W: input.W ? await hostRows(input.W) : null,
        b: input.b ? Float64Array.from(input.b) : null,
        ood: input.oodGlobalMean ? Float64Array.from(input.oodGlobalMean) : null,
        depth: input.layers ? input.layers.length : 0,
        gof: input.gof ?? null,
        rtol: input.pinvRtol ?? DEFAULT_PINV_RTOL,
      },
      set,
    );
    result.diagnostics.backend = tf.getBackend();
    if (tf.getBackend() === 'webgl' && !webglFloat32()) {
      result.diagnostics.warning =
        'WebGL renders to float16 textures on this device: metrics are not float32-accurate';
    }
    result.diagnostics.batchSize = batchSize;
    return result;
  } finally {
    acc.dispose();
  }
}
