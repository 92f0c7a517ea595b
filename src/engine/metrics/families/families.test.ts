// Each report key belongs to exactly one metric family, and a family explains only its own keys.
import { describe, expect, it } from 'vitest';
import { HostAccumulator } from '../accumulate-host';
import { computeMetricsFromArrays } from '../host';
import { METRIC_KEYS, type MetricKey } from '../keys';
import { DEFAULT_PINV_RTOL, runPipeline } from '../pipeline';
import { Sink } from '../sink';
import type { MetricFamily } from './family';
import { FAMILIES } from './index';

const features = [
  [1, 0.2],
  [1.1, -0.1],
  [-1, 0.3],
  [-0.9, 0.1],
  [0.1, 2],
  [-0.2, 2.2],
];
const labels = [0, 0, 1, 1, 2, 2];

describe('metric families', () => {
  it('every one of the 79 report keys has exactly one family', () => {
    const owners = new Map<string, string[]>();
    for (const f of FAMILIES)
      for (const k of f.keys) owners.set(k, [...(owners.get(k) ?? []), f.name]);
    expect(owners.size).toBe(79);
    for (const k of METRIC_KEYS) expect(owners.get(k), k).toHaveLength(1);
  });

  it("without any optional input ('full'), each missing input's reason is given exactly for its own family's keys", async () => {
    const res = await computeMetricsFromArrays({ K: 3, features, labels }, 'full');
    const byReason = new Map<string, string[]>();
    for (const [k, why] of Object.entries(res.undefinedReasons))
      byReason.set(why, [...(byReason.get(why) ?? []), k]);
    expect(byReason.get('no classifier W given')).toEqual([
      'nc2_equinorm_cov_weights',
      'nc2_equiangular_std_weights',
      'nc2_maxangle_weights',
      'nc2_cos_mean_weights',
      'nc2_etf_error_weights',
      'nc2_identity_error_weights',
      'nc3_self_duality_papyan',
      'nc3_w_sub_h_centred',
      'nc3_w_sub_h_uncentred',
      'nc3_duality_rownorm',
      'nc3_wh_etf_error',
      'nc3_wh_identity_error',
      'unc3_cos_mean',
      'unc3_cos_var',
      'unc3_dot_var',
      'nc4_ncc_mismatch_train',
      'net_accuracy_train',
      'nc4_agreement_nobias_train',
      'nc4_ncc_mismatch_test',
      'net_accuracy_test',
      'nc_bias_wmug_plus_b',
      'nc_bias_wmug_minus_b',
      'md_nc1_logits_pinv',
      'md_ece15_train',
    ]);
    expect(byReason.get('no test features / labels given')).toEqual(['ncc_accuracy_test']);
    expect(byReason.get('no OoD global mean given')).toEqual(['nc5_ood_orthodev']);
    expect(
      byReason.get('no label-corruption information (labelsOriginal absent or equal to labels)'),
    ).toEqual([
      'md_uncorrupted_means',
      'md_corrupted_means',
      'md_uncorrupted_stds',
      'md_corruption_bias',
    ]);
    expect(byReason.get('no gof hyper-parameters given')).toEqual([
      'gof_b',
      'gof_x',
      'gof_s',
      'gof_nc2_w',
      'gof_nc2_h',
      'gof_nc3_wh',
      'gof_nc3_w_sub_h',
      'gof_nc3_w_div_h',
    ]);
    // the deep weights measures use the stack's own product, never W: they name the stack
    expect(byReason.get('no linear-layer stack given')).toEqual([
      'deep_nc1_pinv',
      'deep_nc2_etf_error_weights',
      'deep_nc2_identity_error_weights',
      'deep_nc2_etf_error_means',
      'deep_nc2_identity_error_means',
      'deep_nc3_wh_etf_error',
      'deep_nc3_wh_identity_error',
      'deep_nc3_w_sub_h_uncentred',
      'deep_nc3_w_sub_h_centred',
    ]);
    // and the one null of this input's own (d = 2 = K − 1) besides the six missing inputs
    expect(byReason.get('scipy svds needs k = K-1 < d')).toEqual(['nc1_svd_topk']);
    expect(byReason.size).toBe(7);
    expect(res.values.nc1_pinv).toEqual(expect.any(Number));
    expect(res.values.ncc_accuracy_train).toBe(1);
  });

  it("a family's sink refuses another family's key, naming the family and the key", () => {
    const out = new Sink(['nc1_pinv', 'counts']);
    const view = out.restrictedTo('NC1', ['nc1_pinv']);
    view.put('nc1_pinv', 0.5);
    expect(() => view.put('counts', [1])).toThrow(
      'metric family NC1 touched "counts", not its key',
    );
    expect(() => view.want('counts')).toThrow(/NC1 touched "counts"/);
    expect(() => view.nullAll(['counts'], 'x')).toThrow(/NC1 touched "counts"/);
    expect(out.result({ sigmaBRank: 0, counts: [] }).values).toEqual({ nc1_pinv: 0.5 });
  });

  it('a family that writes a key it does not declare stops the pipeline with its name', async () => {
    const rogue: MetricFamily = {
      name: 'rogue',
      keys: ['nc1_quotient'],
      needs: () => ({}),
      finish: (_, out) => out.put('nc1_cdnv', 1),
    };
    const acc = new HostAccumulator({
      K: 3,
      features,
      labels: Int32Array.from(labels),
      labelsOriginal: null,
      testFeatures: null,
      testLabels: null,
      layers: null,
    });
    const input = {
      K: 3,
      labels: Int32Array.from(labels),
      labelsOriginal: null,
      testLabels: null,
      W: null,
      b: null,
      ood: null,
      depth: 0,
      gof: null,
      rtol: DEFAULT_PINV_RTOL,
    };
    const keys: MetricKey[] = ['nc1_quotient', 'nc1_cdnv'];
    await expect(runPipeline(acc, input, keys, [rogue])).rejects.toThrow(
      'metric family rogue touched "nc1_cdnv", not its key',
    );
  });

  it('the pass-1 statistics are reported with one non-empty class; every other requested key says why not', async () => {
    const res = await computeMetricsFromArrays(
      { K: 2, features: features.slice(0, 2), labels: [1, 1] },
      ['counts', 'trace_sigma_w', 'sigma_b', 'nc2_etf_error_means'],
    );
    expect(res.values.counts).toEqual([0, 2]);
    expect(res.values.trace_sigma_w).toBeCloseTo(0.025, 12);
    expect(res.undefinedReasons).toEqual({
      sigma_b: 'fewer than 2 non-empty classes',
      nc2_etf_error_means: 'fewer than 2 non-empty classes',
    });
  });
});
