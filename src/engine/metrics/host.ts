// Host (float64, plain arrays) entry point.
import { HostAccumulator } from './accumulate-host';
import { rowSource, toRows } from './hostmatrix';
import type { MetricSet } from './keys';
import { DEFAULT_PINV_RTOL, runPipeline } from './pipeline';
import type { ArrayMetricsInput, MetricsResult } from './types';
import { MetricsInputError, toInt32Labels, validateShapes } from './validate';

export async function computeMetricsFromArrays(
  input: ArrayMetricsInput,
  set: MetricSet = 'core',
): Promise<MetricsResult> {
  const H = rowSource(input.features, 'features');
  const W = input.W ? toRows(input.W, 'W') : null;
  const test = input.testFeatures ? rowSource(input.testFeatures, 'testFeatures') : null;
  const layers = input.layers ? input.layers.map((L, l) => toRows(L, `layers[${l}]`)) : null;
  validateShapes({
    K: input.K,
    N: H.rows,
    d: H.cols,
    labels: input.labels,
    W: W ? [W.length, W.length > 0 ? W[0].length : 0] : null,
    b: input.b ? input.b.length : null,
    test: test ? [test.rows, test.cols] : null,
    testLabels: input.testLabels ? input.testLabels.length : null,
    labelsOriginal: input.labelsOriginal ?? null,
    ood: input.oodGlobalMean ? input.oodGlobalMean.length : null,
    layers: layers ? layers.map((L) => [L.length, L.length > 0 ? L[0].length : 0]) : null,
    gof: input.gof ?? null,
  });
  const labels = toInt32Labels(input.labels, 'labels');
  const labelsOriginal = input.labelsOriginal
    ? toInt32Labels(input.labelsOriginal, 'labelsOriginal')
    : null;
  const testLabels = input.testLabels ? toInt32Labels(input.testLabels, 'testLabels') : null;
  if (testLabels)
    for (const v of testLabels)
      if (!(v >= 0 && v < input.K))
        throw new MetricsInputError(`testLabels value ${v} is outside 0..${input.K - 1}`);
  const acc = new HostAccumulator({
    K: input.K,
    features: input.features,
    labels,
    labelsOriginal,
    testFeatures: input.testFeatures ?? null,
    testLabels,
    layers,
  });
  return runPipeline(
    acc,
    {
      K: input.K,
      labels,
      labelsOriginal,
      testLabels: test ? testLabels : null,
      W,
      b: input.b ? Float64Array.from(input.b) : null,
      ood: input.oodGlobalMean ? Float64Array.from(input.oodGlobalMean) : null,
      depth: layers ? layers.length : 0,
      gof: input.gof ?? null,
      rtol: input.pinvRtol ?? DEFAULT_PINV_RTOL,
    },
    set,
  );
}
