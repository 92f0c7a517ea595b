// Type-level proof that report keys are checked where the engine writes and reads them: each
// `@ts-expect-error` line asks for a key no experiment produces, and `npm run typecheck` (tsc
// over src/, part of `npm test`) fails if that line ever compiles, i.e. if a consumer's key
// went back to a plain string. The runtime assertions check the accepted keys are real ones.
import { describe, expect, it } from 'vitest';
import { gridFigure, SUMMARY_METRICS } from '../grid/figure';
import type { FigureMetric } from '../grid/figures';
import type { MetricsRecord, UndefinedReasons } from '../session/types';
import { isReportKey, twinKey, type ReportKey } from './reportKeys';

describe('report keys are typed for producers and consumers', () => {
  it('a report accepts registry keys and twin keys, and refuses a made-up or misspelt key', () => {
    const metrics: MetricsRecord = { nc1_pinv: 0.5, 'twin.nc1_pinv': 0.25, md_clean_acc_val: 1 };
    // @ts-expect-error: no experiment reports nc1_pinvv
    const misspelt: MetricsRecord = { nc1_pinvv: 0.5 };
    // @ts-expect-error: a twin is a network run, and only the UFM reports loss_mse
    const twinUfm: MetricsRecord = { 'twin.loss_mse': 1 };
    // @ts-expect-error: split accuracies exist for train and val, not test
    const badSplit: MetricsRecord = { md_clean_acc_test: 1 };
    const reasons: UndefinedReasons = { gof_b: 'no gof hyper-parameters given' };
    // @ts-expect-error: a reason for a key no report has
    const badReason: UndefinedReasons = { gof_q: 'made up' };
    // @ts-expect-error: reading a key that does not exist
    void metrics.nc6_made_up;
    void [misspelt, twinUfm, badSplit, badReason];
    expect(Object.keys({ ...metrics, ...reasons }).every(isReportKey)).toBe(true);
  });

  it('twinKey takes network keys only', () => {
    expect(twinKey('md_dilation_rel_avg')).toBe('twin.md_dilation_rel_avg');
    // @ts-expect-error: the UFM-only loss_mse has no twin
    expect(isReportKey(twinKey('loss_mse'))).toBe(false);
  });

  it('figure presets, grid figures and grid summaries take report keys only', () => {
    const ok: FigureMetric = { key: 'gof_nc2_w', title: 'NC2 vs GOF', log: true };
    // @ts-expect-error: a figure preset asking for a key no experiment produces
    const bad: FigureMetric = { key: 'gof_nc2_ww', title: 'typo', log: true };
    expect(gridFigure([], ok.key).metric).toBe('gof_nc2_w');
    // @ts-expect-error: a grid figure of an unknown key
    void gridFigure([], 'nc1_pinvv');
    void bad;
    const summary: readonly ReportKey[] = SUMMARY_METRICS;
    expect(summary.every(isReportKey)).toBe(true);
  });
});
