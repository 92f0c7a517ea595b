// The memorization–dilation measures on the seed-002 reference run's final state
// (test/oracles/md/ref_md_<loss>_final_features.json) against the run's epoch-30 record
// (ref_md_<loss>.json). Expected numbers are read from the oracle files at run time.
//
// Tolerances (both from metrics/metric_vectors.json, the project's definitions):
// - the oracle's md_train_* blocks, accuracies and test statistics were computed by numpy in
//   float64 from the same float32 feature values: float64 tolerance (sums in another order only);
// - nc_repo and meta.repo_metrics_pkl_final are the repository's own torch float32 outputs (GPU
//   sums over 12 665 rows): float32 tolerance.
// Accuracies are decision rates: one sample moves them by ≥ 1/12 665 ≈ 8e-5, far above the
// float64 tolerance, so matching within it means every decision matches.
//
// Fields of the epoch record that the fixture cannot reproduce, and why:
// - nc_repo.NC1_collapse_metric, NC1_post_logits, NC3_WH_relation_metric, trace_Sigma_W,
//   trace_Sigma_B: the repository divides the class sums by hard-coded clean class counts
//   (docs/memorization-dilation.md §8: 5923/6742 instead of the noisy-label counts 5958/6707),
//   so its class means are mis-scaled by ±0.6 %. We implement the intended per-label counts; the
//   oracle gives the true-count NC1 and traces in md_train_*.{NC1_true_counts,
//   trace_Sigma_*_true_counts}, compared below. Our md_nc1_logits_pinv and nc3_wh_etf_error have no true-count counterpart in the oracle.
//   (Outside the suite, a float64 re-computation with the hard-coded divisors reproduces all five
//   repo values to ≤ 4e-5 relative, float32 level, so the difference is those divisors and nothing else.)
// - val_loss_repo: the training loss (CE / LS) is the trainer's, not a measure of this module.
// - train_loss_running, train_top1_running: running means over the epoch's mini-batches, taken
//   while the weights changed; lr, seconds_*: schedule and timing.
import { describe, expect, it } from 'vitest';
import { compareValue, type Tolerance } from '../metrics/compare';
import type { MetricValue } from '../metrics';
import { readOracle } from '../testing/oracles';
import {
  measureMd,
  type MdBlock,
  type MdKey,
  type MdMeasures,
  type SplitAccuracy,
} from './measures';

interface MdFixture {
  features_train: number[][];
  logits_train: number[][];
  labels_train: [number, number][];
  fit_mask: number[];
  features_test: number[][];
  logits_test: number[][];
  labels_test: number[];
  fc_weight: number[][];
  fc_bias: number[];
}

type OracleSplit = Record<
  | 'acc_noisy_labels'
  | 'acc_original_labels'
  | 'corrupted_fit_noisy_label_pct'
  | 'corrupted_pred_original_label_pct'
  | 'clean_acc_pct',
  number
>;
type OracleBlock = Record<string, MetricValue>;

interface MdEpoch {
  epoch: number;
  train_all: OracleSplit;
  train_fit: OracleSplit;
  val_heldout: OracleSplit;
  test_acc: number;
  md_train_all: OracleBlock;
  md_train_fit: OracleBlock;
  test_means: number[][];
  test_stddevs: number[];
  nc_repo: Record<string, MetricValue>;
}

interface MdOracle {
  meta: {
    n_train_stored: number;
    n_train_fit: number;
    n_val_heldout: number;
    n_test: number;
    n_corrupted_total: number;
    n_corrupted_fit: number;
    noisy_label_counts: number[];
    corrupted_indices_in_stored_train_order: number[];
    repo_metrics_pkl_final: OracleBlock;
  };
  epochs: MdEpoch[];
}

const tolerances = readOracle<{
  tolerance: Record<'float64_reimplementation' | 'float32_browser_default', Tolerance>;
}>('metrics/metric_vectors.json').tolerance;
const F64 = tolerances.float64_reimplementation;
const F32 = tolerances.float32_browser_default;

const LOSSES = ['CE', 'LS'] as const;
const FINAL_EPOCH = 30;

/** oracle md_train_* field → our key (same definition; memorization.ts, docs/metrics.md §2.9) */
const BLOCK_FIELDS: [string, MdKey][] = [
  ['means', 'class_means'],
  ['variances', 'md_class_dist_var'],
  ['stddevs', 'md_class_dist_std'],
  ['sigma_W_repo', 'md_sigma_w_diag_kn'],
  ['uncorrupted_means', 'md_uncorrupted_means'],
  ['corrupted_means', 'md_corrupted_means'],
  ['uncorrupted_stddevs', 'md_uncorrupted_stds'],
  ['corruption_biases', 'md_corruption_bias'],
  ['memorization_sum_repo', 'md_memorization_sum'],
  ['n_corrupted_by_original_class', 'md_n_corrupted'],
  ['memorization_mean', 'md_memorization'],
  ['dilation_std', 'md_dilation'],
  ['dilation_mean_dist', 'md_dilation_mean_dist'],
  ['clean_mean_separation', 'md_clean_mean_separation'],
  ['memorization_mean_rel', 'md_memorization_rel'],
  ['dilation_std_rel', 'md_dilation_rel'],
  ['dilation_mean_dist_rel', 'md_dilation_mean_dist_rel'],
  ['md_ratio_mean_dist', 'md_ratio_mean_dist'],
  ['corruption_biases_rel', 'md_corruption_bias_rel'],
  ['NC1_true_counts', 'nc1_pinv'],
  ['trace_Sigma_W_true_counts', 'trace_sigma_w'],
  ['trace_Sigma_B_true_counts', 'trace_sigma_b'],
];

/** nc_repo field (torch float32) → our key on md_train_all */
const NC_REPO_FIELDS: [string, MdKey][] = [
  ['NC2_ETF_metric', 'nc2_etf_error_weights'],
  ['NC4_Wh_minus_b_repo', 'nc_bias_wmug_minus_b'],
  ['NC4_Wh_plus_b_zhu', 'nc_bias_wmug_plus_b'],
  ['mu_G_train', 'global_mean'],
];

/** meta.repo_metrics_pkl_final (the repo's metrics.pkl, float32) → our key on md_train_all */
const PKL_FIELDS: [string, MdKey][] = [
  ['means', 'class_means'],
  ['variances', 'md_class_dist_var'],
  ['stddevs', 'md_class_dist_std'],
  ['uncorrupted_means', 'md_uncorrupted_means'],
  ['corrupted_means', 'md_corrupted_means'],
  ['uncorrupted_stddevs', 'md_uncorrupted_stds'],
  ['corruption_biases', 'md_corruption_bias'],
];

const SPLIT_FIELDS: [keyof OracleSplit, keyof SplitAccuracy][] = [
  ['acc_noisy_labels', 'accuracy_noisy'],
  ['acc_original_labels', 'accuracy_original'],
  ['corrupted_fit_noisy_label_pct', 'corrupted_fit_noisy'],
  ['corrupted_pred_original_label_pct', 'corrupted_pred_original'],
  ['clean_acc_pct', 'clean_accuracy'],
];

const pct = (v: number | null | undefined) => (typeof v === 'number' ? 100 * v : v);

function measureFixture(f: MdFixture): Promise<MdMeasures> {
  return measureMd({
    K: 2,
    train: {
      features: f.features_train,
      logits: f.logits_train,
      labels: f.labels_train.map((p) => p[0]),
      originalLabels: f.labels_train.map((p) => p[1]),
      fitMask: f.fit_mask,
    },
    test: { features: f.features_test, logits: f.logits_test, labels: f.labels_test },
    W: f.fc_weight,
    b: f.fc_bias,
  });
}

function compareFields(
  block: MdBlock,
  oracle: OracleBlock,
  fields: [string, MdKey][],
  tol: Tolerance,
  where: string,
): string[] {
  const failures: string[] = [];
  for (const [field, key] of fields) {
    const msg = compareValue(block.values[key], oracle[field], tol, false, `${where}.${field}`);
    if (msg) failures.push(msg);
  }
  return failures;
}

const fixtures = new Map<string, { f: MdFixture; ref: MdOracle; m: MdMeasures }>();
async function load(loss: (typeof LOSSES)[number]) {
  const hit = fixtures.get(loss);
  if (hit) return hit;
  const f = readOracle<MdFixture>(`md/ref_md_${loss}_final_features.json`);
  const ref = readOracle<MdOracle>(`md/ref_md_${loss}.json`);
  const entry = { f, ref, m: await measureFixture(f) };
  fixtures.set(loss, entry);
  return entry;
}

describe.each(LOSSES)('seed-002 reference run, %s, final-features fixture vs epoch 30', (loss) => {
  it('the fixture is the final state of the run: same classifier, corrupted samples and split sizes', async () => {
    const { f, ref } = await load(loss);
    const last = ref.epochs[ref.epochs.length - 1];
    expect(last.epoch).toBe(FINAL_EPOCH);
    expect(f.fc_weight).toEqual(last.nc_repo.W);
    expect(f.fc_bias).toEqual(last.nc_repo.b);
    const corrupted = f.labels_train.flatMap(([y, yo], i) => (y !== yo ? [i] : []));
    expect(corrupted).toEqual(ref.meta.corrupted_indices_in_stored_train_order);
    expect(f.fit_mask.filter((v) => v === 1).length).toBe(ref.meta.n_train_fit);
    expect(f.fit_mask.slice(0, ref.meta.n_val_heldout).every((v) => v === 0)).toBe(true);
  });

  it('accuracies per split (noisy, original, corrupted fitted / predicted original, clean) and test accuracy match every decision', async () => {
    const { ref, m } = await load(loss);
    const e = ref.epochs[FINAL_EPOCH];
    const failures: string[] = [];
    for (const split of ['train_all', 'train_fit', 'val_heldout'] as const) {
      const ours = m[split]!;
      for (const [field, key] of SPLIT_FIELDS) {
        const msg = compareValue(pct(ours[key]), e[split][field], F64, false, `${split}.${field}`);
        if (msg) failures.push(msg);
      }
    }
    expect(failures).toEqual([]);
    expect(m.train_all.n_samples).toBe(ref.meta.n_train_stored);
    expect(m.train_fit!.n_samples).toBe(ref.meta.n_train_fit);
    expect(m.val_heldout!.n_samples).toBe(ref.meta.n_val_heldout);
    expect(m.train_all.n_corrupted).toBe(ref.meta.n_corrupted_total);
    expect(m.train_fit!.n_corrupted).toBe(ref.meta.n_corrupted_fit);
    expect(m.test!.n_samples).toBe(ref.meta.n_test);
    expect(compareValue(pct(m.test!.accuracy), e.test_acc, F64)).toBeNull();
  });

  it('md_train_all and md_train_fit: every repo measure, memorization, dilation (absolute and relative), corruption bias, NC1 and traces at float64 tolerance', async () => {
    const { ref, m } = await load(loss);
    const e = ref.epochs[FINAL_EPOCH];
    const failures = [
      ...compareFields(m.md_train_all, e.md_train_all, BLOCK_FIELDS, F64, 'md_train_all'),
      ...compareFields(m.md_train_fit!, e.md_train_fit, BLOCK_FIELDS, F64, 'md_train_fit'),
    ];
    expect(failures).toEqual([]);
    for (const [block, oracle] of [
      [m.md_train_all, e.md_train_all],
      [m.md_train_fit!, e.md_train_fit],
    ] as const) {
      expect(block.n_samples).toBe(oracle.n_samples);
      expect(block.n_corrupted).toBe(oracle.n_corrupted);
      const sums = block.values.md_memorization_sum as number[];
      const meanOfSums = sums.reduce((a, v) => a + v, 0) / sums.length;
      expect(
        compareValue(meanOfSums, oracle.memorization_sum_repo_mean_over_classes, F64),
      ).toBeNull();
    }
    expect(m.md_train_all.values.counts).toEqual(ref.meta.noisy_label_counts);
  });

  it('test-set class means and distance spread at float64 tolerance', async () => {
    const { ref, m } = await load(loss);
    const e = ref.epochs[FINAL_EPOCH];
    expect(compareValue(m.test!.class_means, e.test_means, F64, false, 'test_means')).toBeNull();
    expect(
      compareValue(m.test!.class_dist_std, e.test_stddevs, F64, false, 'test_stddevs'),
    ).toBeNull();
  });

  it("the repository's own float32 outputs (NC2, both NC4 signs, global mean, ECE train/test, top-1, metrics.pkl) at float32 tolerance", async () => {
    const { ref, m } = await load(loss);
    const nc = ref.epochs[FINAL_EPOCH].nc_repo;
    const failures = [
      ...compareFields(m.md_train_all, nc, NC_REPO_FIELDS, F32, 'nc_repo'),
      ...compareFields(
        m.md_train_all,
        ref.meta.repo_metrics_pkl_final,
        PKL_FIELDS,
        F32,
        'metrics.pkl',
      ),
    ];
    const scalar = (v: MetricValue) => (Array.isArray(v) ? (v[0] as number) : v);
    const extra: [MetricValue | undefined, MetricValue, string][] = [
      [m.md_train_all.values.md_ece15_train, scalar(nc.ece_train), 'ece_train'],
      [m.test!.ece15, scalar(nc.ece_test), 'ece_test'],
      [pct(m.train_all.accuracy_noisy), nc.train_acc1, 'train_acc1'],
      [pct(m.test!.accuracy), nc.test_acc1, 'test_acc1'],
    ];
    for (const [got, exp, name] of extra) {
      const msg = compareValue(got, exp, F32, false, `nc_repo.${name}`);
      if (msg) failures.push(msg);
    }
    expect(failures).toEqual([]);
  });
});

describe('label smoothing vs cross-entropy on the final fixtures (oracle README: LS ends below CE)', () => {
  it('LS has lower memorization and dilation than CE, absolute and relative to the clean-mean separation', async () => {
    const ce = (await load('CE')).m.md_train_all.values;
    const ls = (await load('LS')).m.md_train_all.values;
    for (const key of [
      'md_memorization_avg',
      'md_memorization_rel_avg',
      'md_dilation_avg',
      'md_dilation_rel_avg',
    ] as const) {
      expect(typeof ce[key]).toBe('number');
      expect(ls[key] as number, key).toBeLessThan(ce[key] as number);
    }
  });
});
