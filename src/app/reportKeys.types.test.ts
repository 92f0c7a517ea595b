// Type-level proof for the page: a panel, target table, overlay or tooltip that asks for a key
// no experiment produces fails `npm run typecheck` (each `@ts-expect-error` line must stay an
// error). The runtime assertions read real keys through the same helpers.
import { describe, expect, it } from 'vitest';
import { isReportKey, reportKeyInfo } from '../engine/metrics/reportKeys';
import type { MetricsRecord } from '../engine/session/types';
import type { MetricTerm } from './guide/MetricTerm';
import { layerValue, scalar } from './format';
import { OVERLAY_METRICS, type OverlayOptions } from './runs/overlay';
import { TARGET_KEYS, type TargetKeys } from '../engine/metrics/targets';

describe('the page asks for report keys by their registry names', () => {
  it('scalar and layerValue read registry keys and refuse unknown ones', () => {
    const m: MetricsRecord = { nc1_pinv: 0.5, deep_nc1_pinv: [0.5, 0.25], 'twin.loss': 2 };
    expect(scalar(m, 'nc1_pinv')).toBe(0.5);
    expect(scalar(m, 'twin.loss')).toBe(2);
    expect(layerValue(m, 'deep_nc1_pinv', 1)).toBe(0.25);
    // @ts-expect-error: a panel asking for a key no experiment produces
    expect(scalar(m, 'nc1_pniv')).toBeNull();
    // @ts-expect-error: a twin key the twin (a network) cannot have
    expect(scalar(m, 'twin.loss_mse')).toBeNull();
  });

  it('target tables, overlay metrics and tooltips take registry keys', () => {
    const keys = Object.values(TARGET_KEYS).flatMap((t) => [
      t.nc2W,
      t.nc2H,
      t.nc3WH,
      t.nc3Dual,
      ...(t.deep ? Object.values(t.deep) : []),
    ]);
    expect(keys.filter((k) => !isReportKey(k))).toEqual([]);
    expect(OVERLAY_METRICS.map((o) => reportKeyInfo(o.key)?.key)).toEqual(
      OVERLAY_METRICS.map((o) => o.key),
    );
    const target: TargetKeys['deep'] = {
      nc2W: 'deep_nc2_etf_error_weights',
      nc2H: 'deep_nc2_etf_error_means',
      nc3WH: 'deep_nc3_wh_etf_error',
      // @ts-expect-error: a target key with a typo
      nc3Dual: 'deep_nc3_w_sub_h_centered',
    };
    const overlay: Pick<OverlayOptions, 'metric' | 'deepMetric'> = {
      metric: 'nc1_pinv',
      // @ts-expect-error: an overlay's per-layer key that does not exist
      deepMetric: 'deep_nc1',
    };
    // @ts-expect-error: a tooltip for an unknown key
    const term: Parameters<typeof MetricTerm>[0] = { metric: 'ncc_accuracy' };
    void [target, overlay, term];
  });
});
