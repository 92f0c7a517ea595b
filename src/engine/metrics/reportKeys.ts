// Every key a report can carry, in one registry: its value shape, unit, definition (label and
// tooltip text, from definitions.ts) and which experiments put it in their reports. `ReportKey`
// is derived from it, and report metrics, panels, figure presets, grid and search objectives and
// the run library are typed with it, so asking for a key no experiment produces fails the
// typecheck instead of showing "not reported" (reportKeys.types.test.ts).
import { MD_EXTRA_KEYS, type MdExtraKey } from '../md/memorization';
import {
  MD_EXTRA_DEFINITIONS,
  METRIC_DEFINITIONS,
  SESSION_DEFINITIONS,
  splitDefinition,
  type MetricDefinition,
} from './definitions';
import { METRIC_KEYS, type MetricKey } from './keys';

/** A paired run's twin reports its metrics under this prefix (`twin.nc1_pinv`). */
export const TWIN_PREFIX = 'twin.';

/** Scalars a session reports besides the metrics library's keys (loss terms, accuracies, …). */
export const SESSION_KEYS = [
  'loss',
  'loss_mse',
  'loss_data',
  'loss_weight_decay',
  'loss_feature_decay',
  'train_acc',
  'test_acc',
  'val_acc',
  'train_acc5',
  'test_acc5',
  'val_acc5',
  'epoch',
  'lr',
  'md_test_accuracy',
  'md_test_accuracy_merged',
  'md_test_ece15',
] as const;
export type SessionKey = (typeof SESSION_KEYS)[number];

/** The split accuracies of a memorization–dilation run, reported as md_<field>_<split>. */
export const SPLIT_FIELDS = [
  'acc_noisy',
  'acc_original',
  'noisy_fitted',
  'corrupted_pred_original',
  'clean_acc',
] as const;
export type SplitField = (typeof SPLIT_FIELDS)[number];
export const SPLITS = ['train', 'val'] as const;
export type Split = (typeof SPLITS)[number];
export type SplitKey = `md_${SplitField}_${Split}`;

/** The key of one split accuracy, e.g. md_noisy_fitted_train. */
export const splitKey = (field: SplitField, split: Split): SplitKey => `md_${field}_${split}`;

/** A key as one session reports it (a paired run's twin adds the same keys under `twin.`). */
export type BaseReportKey = MetricKey | MdExtraKey | SessionKey | SplitKey;

/**
 * Keys only the UFM reports: a twin (always a network) never has them. A network's final report
 * carries every other key, null with a reason where it does not apply (nc5_ood_orthodev).
 */
export const UFM_ONLY_KEYS = ['loss_mse'] as const;
type UfmOnlyKey = (typeof UFM_ONLY_KEYS)[number];
/** A key a network run can report, so a paired run's twin can too. */
export type NetworkKey = Exclude<BaseReportKey, UfmOnlyKey>;
export type TwinKey = `${typeof TWIN_PREFIX}${NetworkKey}`;

/** Every key a report's metrics can carry. */
export type ReportKey = BaseReportKey | TwinKey;

/** A report's metrics (values in docs/metrics.md's shapes; null where undefined, with a reason). */
export type ReportMetrics<V> = { [K in ReportKey]?: V };

/**
 * Who reports a key: the UFM, a network run, a network run with memorization–dilation measures
 * (label noise, the mlp-md model or the four-class problem; it reports every network key too),
 * or measured feature files (the Features page and `npm run metrics`). A paired run reports the
 * network keys of its twin under `twin.`.
 */
export type Producer = 'ufm' | 'net' | 'md' | 'features';

/**
 * `true`: every final (full-set) report of that experiment carries the key, a value or null with
 * a reason. Text: it carries the key only when this holds.
 */
export type Production = true | string;

/** The shape of a value; K classes, d feature dimensions, M linear layers. */
export type ValueShape =
  | 'scalar'
  /** one number per class (K) */
  | 'perClass'
  /** one number per linear layer (M) */
  | 'perLayer'
  /** one number per feature dimension (d) */
  | 'vector'
  /** a K × d, d × d or K × (K−1) matrix */
  | 'matrix'
  /** one matrix per class (K × K × d) */
  | 'perClassMatrix';

export interface ReportKeyInfo {
  key: BaseReportKey;
  shape: ValueShape;
  /** null: dimensionless (or in the features' own units) */
  unit: string | null;
  producedBy: Partial<Record<Producer, Production>>;
  definition: MetricDefinition;
}

type Meta = Omit<ReportKeyInfo, 'key' | 'definition'>;

const ALWAYS = true;
const FRACTION = 'fraction';
/** The library's keys every run and every feature file get. */
const EVERY: Meta['producedBy'] = { ufm: ALWAYS, net: ALWAYS, features: ALWAYS };
const TESTED: Meta['producedBy'] = { net: ALWAYS, features: 'test features given' };
const NOISY: Meta['producedBy'] = { md: ALWAYS, features: 'original labels given' };
const GOF: Meta['producedBy'] = {
  ufm: 'bias-free MSE',
  net: 'bias-free MSE',
  features: 'GOF hyper-parameters given',
};
const DEEP: Meta['producedBy'] = {
  ufm: 'depth M > 1',
  net: 'a deep linear head',
  features: 'linear layers given',
};
const BY_NAME: Meta['producedBy'] = {
  ufm: 'asked for by name',
  net: 'asked for by name',
  features: 'asked for by name',
};

const m = (
  shape: ValueShape,
  producedBy: Meta['producedBy'],
  unit: string | null = null,
): Meta => ({
  shape,
  unit,
  producedBy,
});
const scalar = (unit: string | null = null) => m('scalar', EVERY, unit);

const LIBRARY: Record<MetricKey, Meta> = {
  counts: m('perClass', EVERY, 'samples'),
  class_means: m('matrix', EVERY),
  global_mean: m('vector', EVERY),
  global_mean_unweighted: m('vector', EVERY),
  sigma_w: m('matrix', BY_NAME),
  sigma_b: m('matrix', BY_NAME),
  class_var: m('perClass', EVERY),
  trace_sigma_w: scalar(),
  trace_sigma_b: scalar(),
  nc1_pinv: scalar(),
  nc1_trace_sw_invsb: scalar(),
  nc1_pinv_mgu: scalar(),
  nc1_svd_topk: scalar(),
  nc1_quotient: scalar(),
  nc1_cdnv: scalar(),
  nc1_cdnv_exp2: scalar(),
  nc2_equinorm_cov_means: scalar(),
  nc2_equiangular_std_means: scalar(),
  nc2_maxangle_means: scalar(),
  nc2_cos_mean_means: scalar(),
  nc2_equinorm_cov_weights: scalar(),
  nc2_equiangular_std_weights: scalar(),
  nc2_maxangle_weights: scalar(),
  nc2_cos_mean_weights: scalar(),
  nc2_equinorm_logvar_means: scalar(),
  nc2_etf_error_means: scalar(),
  nc2_etf_error_means_mgu: scalar(),
  nc2_etf_error_weights: scalar(),
  nc2_identity_error_means: scalar(),
  nc2_identity_error_weights: scalar(),
  gnc2_log_kernel_mean: scalar(),
  gnc2_log_kernel_var: scalar(),
  gnc2_riesz_kernel_mean: scalar(),
  gnc2_riesz_kernel_var: scalar(),
  nc3_self_duality_papyan: scalar(),
  nc3_w_sub_h_centred: scalar(),
  nc3_w_sub_h_uncentred: scalar(),
  nc3_duality_rownorm: scalar(),
  nc3_wh_etf_error: scalar(),
  nc3_wh_identity_error: scalar(),
  unc3_cos_mean: scalar(),
  unc3_cos_var: scalar(),
  unc3_dot_var: scalar(),
  nc4_ncc_mismatch_train: scalar(FRACTION),
  ncc_accuracy_train: scalar(FRACTION),
  net_accuracy_train: scalar(FRACTION),
  nc4_agreement_nobias_train: scalar(FRACTION),
  nc4_ncc_mismatch_test: m('scalar', TESTED, FRACTION),
  ncc_accuracy_test: m('scalar', TESTED, FRACTION),
  net_accuracy_test: m('scalar', TESTED, FRACTION),
  nc_bias_wmug_plus_b: scalar(),
  nc_bias_wmug_minus_b: scalar(),
  nc5_ood_orthodev: m('scalar', { features: 'an OoD global mean given' }),
  md_class_dist_var: m('perClass', EVERY),
  md_class_dist_std: m('perClass', EVERY),
  md_sigma_w_diag_kn: m('vector', EVERY),
  md_nc1_logits_pinv: scalar(),
  md_ece15_train: scalar(),
  md_uncorrupted_means: m('matrix', NOISY),
  md_corrupted_means: m('perClassMatrix', NOISY),
  md_uncorrupted_stds: m('perClass', NOISY),
  md_corruption_bias: m('matrix', NOISY),
  gof_b: m('scalar', GOF),
  gof_x: m('perClass', GOF),
  gof_s: m('perClass', GOF),
  gof_nc2_w: m('scalar', GOF),
  gof_nc2_h: m('scalar', GOF),
  gof_nc3_wh: m('scalar', GOF),
  gof_nc3_w_sub_h: m('scalar', GOF),
  gof_nc3_w_div_h: m('scalar', GOF),
  deep_nc1_pinv: m('perLayer', DEEP),
  deep_nc2_etf_error_weights: m('perLayer', DEEP),
  deep_nc2_identity_error_weights: m('perLayer', DEEP),
  deep_nc2_etf_error_means: m('perLayer', DEEP),
  deep_nc2_identity_error_means: m('perLayer', DEEP),
  deep_nc3_wh_etf_error: m('perLayer', DEEP),
  deep_nc3_wh_identity_error: m('perLayer', DEEP),
  deep_nc3_w_sub_h_uncentred: m('perLayer', DEEP),
  deep_nc3_w_sub_h_centred: m('perLayer', DEEP),
};

const MD = { md: ALWAYS } as const;
const MD_EXTRA: Record<MdExtraKey, Meta> = {
  md_n_corrupted: m('perClass', MD, 'samples'),
  md_memorization_sum: m('perClass', MD),
  md_memorization: m('perClass', MD),
  md_memorization_rel: m('perClass', MD),
  md_dilation: m('perClass', MD),
  md_dilation_rel: m('perClass', MD),
  md_dilation_mean_dist: m('perClass', MD),
  md_dilation_mean_dist_rel: m('perClass', MD),
  md_ratio_mean_dist: m('perClass', MD),
  md_clean_mean_separation: m('scalar', MD),
  md_corruption_bias_rel: m('matrix', MD),
  md_memorization_avg: m('scalar', MD),
  md_memorization_rel_avg: m('scalar', MD),
  md_dilation_avg: m('scalar', MD),
  md_dilation_rel_avg: m('scalar', MD),
};

const RUNS = { ufm: ALWAYS, net: ALWAYS } as const;
const NET = { net: ALWAYS } as const;
const SESSION: Record<SessionKey, Meta> = {
  loss: m('scalar', RUNS),
  loss_mse: m('scalar', { ufm: 'MSE loss' }),
  loss_data: m('scalar', { ufm: 'cross-entropy loss', net: ALWAYS }),
  loss_weight_decay: m('scalar', RUNS),
  loss_feature_decay: m('scalar', RUNS),
  train_acc: m('scalar', NET, FRACTION),
  test_acc: m('scalar', NET, FRACTION),
  val_acc: m('scalar', { net: 'a validation split' }, FRACTION),
  train_acc5: m('scalar', { net: 'K ≥ 5' }, FRACTION),
  test_acc5: m('scalar', { net: 'K ≥ 5 and test samples' }, FRACTION),
  val_acc5: m('scalar', { net: 'K ≥ 5 and a validation split' }, FRACTION),
  epoch: m('scalar', NET, 'epochs'),
  lr: m('scalar', NET),
  md_test_accuracy: m('scalar', MD, FRACTION),
  md_test_accuracy_merged: m('scalar', { md: 'the four-class problem' }, FRACTION),
  md_test_ece15: m('scalar', MD),
};

const SPLIT_PRODUCTION: Record<Split, Meta['producedBy']> = {
  train: MD,
  val: { md: 'a validation split' },
};

function entries<K extends BaseReportKey>(
  keys: readonly K[],
  meta: (k: K) => Meta,
  definition: (k: K) => MetricDefinition,
): [K, ReportKeyInfo][] {
  return keys.map((key) => [key, { key, ...meta(key), definition: definition(key) }]);
}

/** The registry: library keys (docs/metrics.md §6.1), MD keys, session scalars, split accuracies. */
export const REPORT_KEY_INFO: Readonly<Record<BaseReportKey, ReportKeyInfo>> = Object.fromEntries([
  ...entries(
    METRIC_KEYS,
    (k) => LIBRARY[k],
    (k) => METRIC_DEFINITIONS[k],
  ),
  ...entries(
    MD_EXTRA_KEYS,
    (k) => MD_EXTRA[k],
    (k) => MD_EXTRA_DEFINITIONS[k],
  ),
  ...entries(
    SESSION_KEYS,
    (k) => SESSION[k],
    (k) => SESSION_DEFINITIONS[k],
  ),
  ...SPLIT_FIELDS.flatMap((field) =>
    SPLITS.map((split): [SplitKey, ReportKeyInfo] => {
      const key = splitKey(field, split);
      const meta = m('scalar', SPLIT_PRODUCTION[split], FRACTION);
      return [key, { key, ...meta, definition: splitDefinition(field, split) }];
    }),
  ),
]) as Record<BaseReportKey, ReportKeyInfo>;

/** Every key one session reports, in registry order. */
export const BASE_REPORT_KEYS = Object.keys(REPORT_KEY_INFO) as BaseReportKey[];

function isBaseReportKey(key: string): key is BaseReportKey {
  return Object.hasOwn(REPORT_KEY_INFO, key);
}

/** A twin's key: the network keys only (the twin is a network run). */
export function twinKey(key: NetworkKey): TwinKey {
  return `${TWIN_PREFIX}${key}`;
}

/** The key without its `twin.` prefix, and whether it had one. */
export function splitTwin(key: ReportKey): { base: BaseReportKey; twin: boolean } {
  return key.startsWith(TWIN_PREFIX)
    ? { base: key.slice(TWIN_PREFIX.length) as BaseReportKey, twin: true }
    : { base: key as BaseReportKey, twin: false };
}

/** True for a key some report can carry (a twin key: a network key under `twin.`). */
export function isReportKey(key: string): key is ReportKey {
  if (!key.startsWith(TWIN_PREFIX)) return isBaseReportKey(key);
  const base = key.slice(TWIN_PREFIX.length);
  return isBaseReportKey(base) && !(UFM_ONLY_KEYS as readonly string[]).includes(base);
}

/** The registry entry of any report key (a twin key: its base key's), or undefined. */
export function reportKeyInfo(key: string): ReportKeyInfo | undefined {
  return isReportKey(key) ? REPORT_KEY_INFO[splitTwin(key).base] : undefined;
}

/** The definition of any key a report or table shows, or undefined for an unknown key. */
export function metricDefinition(key: string): MetricDefinition | undefined {
  return isBaseReportKey(key) ? REPORT_KEY_INFO[key].definition : undefined;
}

/**
 * The keys `producer`'s final report carries (a value, or null with a reason): `always`, and
 * those it carries only under a condition (`conditional`, with the condition).
 */
export function keysProducedBy(producer: Producer): {
  always: BaseReportKey[];
  conditional: Map<BaseReportKey, string>;
} {
  const always: BaseReportKey[] = [];
  const conditional = new Map<BaseReportKey, string>();
  for (const info of Object.values(REPORT_KEY_INFO)) {
    const p = info.producedBy[producer];
    if (p === true) always.push(info.key);
    else if (p !== undefined) conditional.set(info.key, p);
  }
  return { always, conditional };
}

/** A twin's values under `twin.`; throws on a key no network run reports (a twin is one). */
export function asTwin<V>(values: ReportMetrics<V>): ReportMetrics<V> {
  const out: ReportMetrics<V> = {};
  for (const [k, v] of Object.entries(values) as [string, V][]) {
    const key = `${TWIN_PREFIX}${k}`;
    if (!isReportKey(key))
      throw new Error(`a paired run's twin reported "${k}", not a network key`);
    out[key] = v;
  }
  return out;
}

/** A report's entries with typed keys (producers are typed, so a report carries registry keys only). */
export function reportEntries<V>(values: ReportMetrics<V>): [ReportKey, V][] {
  return Object.entries(values) as [ReportKey, V][];
}
