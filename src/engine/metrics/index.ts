// NC metrics module (docs/metrics.md): public API.
export { METRIC_KEYS, CHEAP_KEYS, RECOMMENDED_KEYS, resolveKeys, isMetricKey } from './keys';
export type { MetricKey, MetricSet, InputCapabilities } from './keys';
export type {
  MetricValue,
  MetricsInput,
  ArrayMetricsInput,
  MetricsResult,
  MetricsDiagnostics,
  GofParams,
  DenseMatrix,
  HostMatrix,
} from './types';
export { computeMetricsFromArrays } from './host';
export { computeMetrics, DEFAULT_BATCH_SIZE } from './device';
export { solveGofX } from './gof';
export { DEFAULT_PINV_RTOL } from './pipeline';
