import { describe, expect, it } from 'vitest';
import {
  CHEAP_KEYS,
  METRIC_KEYS,
  RECOMMENDED_KEYS,
  resolveKeys,
  type InputCapabilities,
} from './keys';

const base: InputCapabilities = {
  K: 4,
  d: 64,
  hasTest: false,
  hasLabelNoise: false,
  hasGof: false,
  hasLayers: false,
};

describe('metric keys and sets', () => {
  it('has the 79 distinct keys of docs/metrics.md §6.1', () => {
    expect(METRIC_KEYS.length).toBe(79);
    expect(new Set(METRIC_KEYS).size).toBe(79);
  });

  it("'cheap' has what the deep-linear trainer reads every ~100 steps, gof_*/deep_* only when given", () => {
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
      plain.some((k) => k.startsWith('gof_') || k.startsWith('deep_') || k.endsWith('_test')),
    ).toBe(false);
    const full = resolveKeys('cheap', { ...base, hasGof: true, hasLayers: true, hasTest: true });
    for (const k of METRIC_KEYS.filter((k) => k.startsWith('gof_') || k.startsWith('deep_')))
      expect(full).toContain(k);
    expect(full).toContain('net_accuracy_test');
  });

  it("'core' = §5.8 recommended ∪ cheap (+ md_* with label noise, gnc2/unc3 when K > d)", () => {
    const core = resolveKeys('core', base);
    expect(core).toEqual(expect.arrayContaining([...RECOMMENDED_KEYS, ...CHEAP_KEYS]));
    expect(core.some((k) => k.startsWith('md_') || k.startsWith('gnc2_'))).toBe(false);
    const many = resolveKeys('core', { ...base, K: 100, d: 16, hasLabelNoise: true });
    expect(many).toContain('gnc2_log_kernel_mean');
    expect(many).toContain('unc3_cos_mean');
    expect(many).toContain('md_corruption_bias');
  });

  it('no named set returns the d×d sigma_w / sigma_b; an explicit list does', () => {
    for (const s of ['cheap', 'core', 'full'] as const) {
      const keys = resolveKeys(s, {
        ...base,
        hasGof: true,
        hasLayers: true,
        hasTest: true,
        hasLabelNoise: true,
      });
      expect(keys).not.toContain('sigma_w');
      expect(keys).not.toContain('sigma_b');
    }
    expect(resolveKeys('full', base).length).toBe(77);
    expect(resolveKeys(['sigma_b', 'nc1_pinv'], base)).toEqual(
      ['sigma_b', 'nc1_pinv'].sort(
        (a, b) => METRIC_KEYS.indexOf(a as never) - METRIC_KEYS.indexOf(b as never),
      ),
    );
  });

  it('an unknown key in an explicit list throws, naming it', () => {
    expect(() => resolveKeys(['nc1_pinv', 'nc9' as never], base)).toThrow(/nc9/);
  });
});
