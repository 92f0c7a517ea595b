// The key lists and named sets against sources outside keys.ts: the metric-vector oracle's keys
// (computed by the float64 reference, test/oracles/README.md) and the sets as docs/metrics.md
// §5.8 words them, written out here.
import { describe, expect, it } from 'vitest';
import { readOracle } from '../testing/oracles';
import { METRIC_KEYS, isMetricKey, resolveKeys, type InputCapabilities } from './keys';

const base: InputCapabilities = {
  K: 4,
  d: 64,
  hasTest: false,
  hasLabelNoise: false,
  hasGof: false,
  hasLayers: false,
};
const everything: InputCapabilities = {
  ...base,
  hasGof: true,
  hasLayers: true,
  hasTest: true,
  hasLabelNoise: true,
};

/** Every key the oracle's cases expect a value (or a null) for, in first-seen order. */
function oracleKeys(): string[] {
  const file = readOracle<{ cases: { expected: Record<string, unknown> }[] }>(
    'metrics/metric_vectors.json',
  );
  return [...new Set(file.cases.flatMap((c) => Object.keys(c.expected)))];
}

/** docs/metrics.md §5.8's recommended set, named one by one. */
const RECOMMENDED = [
  'nc1_pinv',
  'nc1_cdnv',
  'nc1_quotient',
  'nc2_equinorm_cov_means',
  'nc2_equinorm_cov_weights',
  'nc2_equiangular_std_means',
  'nc2_equiangular_std_weights',
  'nc2_maxangle_means',
  'nc2_maxangle_weights',
  'nc2_etf_error_means',
  'nc2_etf_error_weights',
  'nc3_self_duality_papyan',
  'nc3_wh_etf_error',
  'nc4_ncc_mismatch_train',
  'ncc_accuracy_train',
  'net_accuracy_train',
];

describe('metric keys and sets', () => {
  it('are the 79 keys of the metric-vector oracle, in its (the spec) order', () => {
    const keys = oracleKeys();
    expect(keys).toHaveLength(79);
    expect([...METRIC_KEYS]).toEqual(keys);
    expect(isMetricKey('nc1_pinv')).toBe(true);
    expect(isMetricKey('loss')).toBe(false);
  });

  it("'cheap' has what the deep-linear trainer reads every ~100 steps, gof_*/deep_*/…_test only when given", () => {
    const required = [
      'nc1_pinv',
      'nc1_quotient',
      'nc1_cdnv',
      'nc2_etf_error_means',
      'nc2_etf_error_weights',
      'nc2_identity_error_means',
      'nc2_identity_error_weights',
      'nc3_wh_etf_error',
      'nc3_wh_identity_error',
      'nc3_w_sub_h_centred',
      'nc3_w_sub_h_uncentred',
      'net_accuracy_train',
      'ncc_accuracy_train',
      'nc4_ncc_mismatch_train',
      'nc_bias_wmug_plus_b',
      'nc_bias_wmug_minus_b',
      'class_means',
      'counts',
    ];
    const plain = resolveKeys('cheap', base);
    expect(plain).toEqual(expect.arrayContaining(required));
    expect(
      plain.filter((k) => k.startsWith('gof_') || k.startsWith('deep_') || k.endsWith('_test')),
    ).toEqual([]);
    const given = resolveKeys('cheap', { ...base, hasGof: true, hasLayers: true, hasTest: true });
    // docs/metrics.md §6.1: 8 gof_* keys (3 constants, 5 distances) and 9 deep_* keys.
    expect(given.filter((k) => k.startsWith('gof_'))).toHaveLength(8);
    expect(given.filter((k) => k.startsWith('deep_'))).toHaveLength(9);
    expect(given).toEqual(
      expect.arrayContaining(['nc4_ncc_mismatch_test', 'ncc_accuracy_test', 'net_accuracy_test']),
    );
  });

  it("'core' = §5.8 recommended ∪ cheap (+ md_* with label noise, gnc2/unc3 when K > d)", () => {
    const core = resolveKeys('core', base);
    expect(core).toEqual(expect.arrayContaining(RECOMMENDED));
    expect(core).toEqual(expect.arrayContaining(resolveKeys('cheap', base)));
    expect(core.filter((k) => k.startsWith('md_') || k.startsWith('gnc2_'))).toEqual([]);
    const many = resolveKeys('core', { ...base, K: 100, d: 16, hasLabelNoise: true });
    expect(many).toEqual(
      expect.arrayContaining([
        'gnc2_log_kernel_mean',
        'unc3_cos_mean',
        'md_corruption_bias',
        'md_uncorrupted_means',
      ]),
    );
  });

  it('no named set returns the d×d sigma_w / sigma_b; an explicit list does, in spec order', () => {
    for (const s of ['cheap', 'core', 'full'] as const) {
      const keys = resolveKeys(s, everything);
      expect(keys).not.toContain('sigma_w');
      expect(keys).not.toContain('sigma_b');
    }
    expect(resolveKeys('full', base)).toHaveLength(77);
    expect(resolveKeys(['nc1_pinv', 'sigma_b'], base)).toEqual(['sigma_b', 'nc1_pinv']);
  });

  it('an unknown key in an explicit list throws, naming it', () => {
    expect(() => resolveKeys(['nc1_pinv', 'nc9' as never], base)).toThrow(/nc9/);
  });
});
