// A family's scalar measures as a table: key, how to compute it, why it can be undefined.
// Only requested keys are computed.
import type { MetricKey } from '../keys';
import type { KeySink } from '../sink';
import type { MetricValue } from '../types';

export type Measure = [key: MetricKey, compute: () => MetricValue, reason?: string];

export function putMeasures(out: KeySink, measures: readonly Measure[]): void {
  for (const [k, compute, reason] of measures) if (out.want(k)) out.put(k, compute(), reason);
}
