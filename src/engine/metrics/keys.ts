// The 79 metric keys of docs/metrics.md §6.1 (exact JSON names, in spec order) and the
// named metric sets.

export const METRIC_KEYS = [
  'counts',
  'class_means',
  'global_mean',
  'global_mean_unweighted',
  'sigma_w',
  'sigma_b',
  'class_var',
  'trace_sigma_w',
  'trace_sigma_b',
  'nc1_pinv',
  'nc1_trace_sw_invsb',
  'nc1_pinv_mgu',
  'nc1_svd_topk',
  'nc1_quotient',
  'nc1_cdnv',
  'nc1_cdnv_exp2',
  'nc2_equinorm_cov_means',
  'nc2_equiangular_std_means',
  'nc2_maxangle_means',
  'nc2_cos_mean_means',
  'nc2_equinorm_cov_weights',
  'nc2_equiangular_std_weights',
  'nc2_maxangle_weights',
  'nc2_cos_mean_weights',
  'nc2_equinorm_logvar_means',
  'nc2_etf_error_means',
  'nc2_etf_error_means_mgu',
  'nc2_etf_error_weights',
  'nc2_identity_error_means',
  'nc2_identity_error_weights',
  'gnc2_log_kernel_mean',
  'gnc2_log_kernel_var',
  'gnc2_riesz_kernel_mean',
  'gnc2_riesz_kernel_var',
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
  'ncc_accuracy_train',
  'net_accuracy_train',
  'nc4_agreement_nobias_train',
  'nc4_ncc_mismatch_test',
  'ncc_accuracy_test',
  'net_accuracy_test',
  'nc_bias_wmug_plus_b',
  'nc_bias_wmug_minus_b',
  'nc5_ood_orthodev',
  'md_class_dist_var',
  'md_class_dist_std',
  'md_sigma_w_diag_kn',
  'md_nc1_logits_pinv',
  'md_ece15_train',
  'md_uncorrupted_means',
  'md_corrupted_means',
  'md_uncorrupted_stds',
  'md_corruption_bias',
  'gof_b',
  'gof_x',
  'gof_s',
  'gof_nc2_w',
  'gof_nc2_h',
  'gof_nc3_wh',
  'gof_nc3_w_sub_h',
  'gof_nc3_w_div_h',
  'deep_nc1_pinv',
  'deep_nc2_etf_error_weights',
  'deep_nc2_identity_error_weights',
  'deep_nc2_etf_error_means',
  'deep_nc2_identity_error_means',
  'deep_nc3_wh_etf_error',
  'deep_nc3_wh_identity_error',
  'deep_nc3_w_sub_h_uncentred',
  'deep_nc3_w_sub_h_centred',
] as const;

export type MetricKey = (typeof METRIC_KEYS)[number];

export type MetricSet = 'cheap' | 'core' | 'full' | readonly MetricKey[];

const KEY_SET: ReadonlySet<string> = new Set(METRIC_KEYS);

export function isMetricKey(k: string): k is MetricKey {
  return KEY_SET.has(k);
}

/** d×d outputs: only computed when listed explicitly (never part of a named set). */
export const DXD_KEYS: readonly MetricKey[] = ['sigma_w', 'sigma_b'];

export const GOF_KEYS: readonly MetricKey[] = METRIC_KEYS.filter((k) => k.startsWith('gof_'));
export const DEEP_KEYS: readonly MetricKey[] = METRIC_KEYS.filter((k) => k.startsWith('deep_'));
export const TEST_KEYS: readonly MetricKey[] = [
  'nc4_ncc_mismatch_test',
  'ncc_accuracy_test',
  'net_accuracy_test',
];
export const LABEL_NOISE_KEYS: readonly MetricKey[] = [
  'md_uncorrupted_means',
  'md_corrupted_means',
  'md_uncorrupted_stds',
  'md_corruption_bias',
];
export const MD_KEYS: readonly MetricKey[] = METRIC_KEYS.filter((k) => k.startsWith('md_'));

/** Cheap set: what a trainer can afford every ~100 steps (all O(N·d·K) or smaller). */
export const CHEAP_KEYS: readonly MetricKey[] = [
  'counts',
  'class_means',
  'class_var',
  'trace_sigma_w',
  'trace_sigma_b',
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
  'nc4_ncc_mismatch_train',
  'ncc_accuracy_train',
  'net_accuracy_train',
  'nc_bias_wmug_plus_b',
  'nc_bias_wmug_minus_b',
];

/** docs/metrics.md §5.8 recommended canonical set. */
export const RECOMMENDED_KEYS: readonly MetricKey[] = [
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

/** What the input offers; decides the conditional members of the named sets. */
export interface InputCapabilities {
  K: number;
  d: number;
  hasTest: boolean;
  hasLabelNoise: boolean;
  hasGof: boolean;
  hasLayers: boolean;
}

/**
 * Keys requested by a set, in spec order.
 * - 'cheap': CHEAP_KEYS,  plus the …_test decisions when test data is given, gof_… when gof is
 *   given, deep_… when layers are given.
 * - 'core': the recommended set of docs/metrics.md §5.8 ∪ cheap, plus md_… with label-noise
 *   information and gnc2_…, unc3_… when K > d (many classes).
 * - 'full': every key except the d×d matrices sigma_w / sigma_b; keys the input cannot support are
 *   reported as null with a reason.
 * - an explicit list: exactly those keys (the only way to get sigma_w / sigma_b).
 */
export function resolveKeys(set: MetricSet, cap: InputCapabilities): MetricKey[] {
  if (typeof set !== 'string') {
    const wanted = new Set<string>(set);
    for (const k of wanted) if (!KEY_SET.has(k)) throw new Error(`unknown metric key "${k}"`);
    return METRIC_KEYS.filter((k) => wanted.has(k));
  }
  if (set === 'full') return METRIC_KEYS.filter((k) => !DXD_KEYS.includes(k));
  if (set !== 'cheap' && set !== 'core') throw new Error(`unknown metric set "${String(set)}"`);
  const wanted = new Set<MetricKey>(CHEAP_KEYS);
  if (cap.hasTest) for (const k of TEST_KEYS) wanted.add(k);
  if (cap.hasGof) for (const k of GOF_KEYS) wanted.add(k);
  if (cap.hasLayers) for (const k of DEEP_KEYS) wanted.add(k);
  if (set === 'core') {
    for (const k of RECOMMENDED_KEYS) wanted.add(k);
    if (cap.hasLabelNoise) for (const k of MD_KEYS) wanted.add(k);
    if (cap.K > cap.d) {
      for (const k of METRIC_KEYS)
        if (k.startsWith('gnc2_') || k.startsWith('unc3_')) wanted.add(k);
    }
  }
  return METRIC_KEYS.filter((k) => wanted.has(k));
}
