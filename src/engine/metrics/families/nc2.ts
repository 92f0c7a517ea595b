// NC2 / GNC2: equinorm, equiangularity and ETF structure of the centred class means and of the
// classifier rows, and the GNC2 kernels (docs/metrics.md §2.2). Host algebra on pass 1 only.
import { gram, serr } from '../../core/linalg';
import { cosMean, equiangularStd, equinormCov, kernelStats, logNormVar, maxAngle } from '../nc2';
import { NO_W, type MetricFamily } from './family';
import { putMeasures } from './measures';

const WEIGHT_KEYS = [
  'nc2_equinorm_cov_weights',
  'nc2_equiangular_std_weights',
  'nc2_maxangle_weights',
  'nc2_cos_mean_weights',
  'nc2_etf_error_weights',
  'nc2_identity_error_weights',
] as const;

const KERNEL_KEYS = [
  'gnc2_log_kernel_mean',
  'gnc2_log_kernel_var',
  'gnc2_riesz_kernel_mean',
  'gnc2_riesz_kernel_var',
] as const;

export const nc2: MetricFamily = {
  name: 'NC2',
  keys: [
    'nc2_equinorm_cov_means',
    'nc2_equiangular_std_means',
    'nc2_maxangle_means',
    'nc2_cos_mean_means',
    'nc2_equinorm_logvar_means',
    'nc2_etf_error_means',
    'nc2_etf_error_means_mgu',
    'nc2_identity_error_means',
    ...WEIGHT_KEYS,
    ...KERNEL_KEYS,
  ],
  needs: () => ({}),
  finish({ stats }, out) {
    const { Ke, d, We } = stats;
    const gm = stats.meanGeometry;
    const zeroMean = 'a centred class mean is the zero vector: cosines undefined';
    putMeasures(out, [
      ['nc2_equinorm_cov_means', () => equinormCov(gm()), 'mean centred-mean norm is 0'],
      ['nc2_equiangular_std_means', () => equiangularStd(gm()), zeroMean],
      ['nc2_maxangle_means', () => maxAngle(gm(), Ke), zeroMean],
      ['nc2_cos_mean_means', () => cosMean(gm()), zeroMean],
      [
        'nc2_equinorm_logvar_means',
        () => logNormVar(gm()),
        'a centred class mean is the zero vector: log-norm is -infinity',
      ],
      ['nc2_etf_error_means', () => serr(stats.gramMc(), stats.etf()), 'M̃ = 0'],
      ['nc2_etf_error_means_mgu', () => serr(stats.gramMcU(), stats.etf()), 'M̃ = 0'],
      [
        'nc2_identity_error_means',
        () => serr(gram(stats.means), stats.identity()),
        'all class means are 0',
      ],
    ]);
    if (out.want(...KERNEL_KEYS)) {
      const ks = kernelStats(gm(), d);
      out.put('gnc2_log_kernel_mean', ks.logMean, ks.reason);
      out.put('gnc2_log_kernel_var', ks.logVar, ks.reason);
      out.put('gnc2_riesz_kernel_mean', ks.rieszMean, ks.rieszReason);
      out.put('gnc2_riesz_kernel_var', ks.rieszVar, ks.rieszReason);
    }
    const gw = out.want(...WEIGHT_KEYS) ? stats.weightGeometry() : null;
    if (!We || !gw) {
      out.nullAll(WEIGHT_KEYS, NO_W); // (a no-op when no weight key was requested)
      return;
    }
    const zeroRow = 'a classifier row is the zero vector: cosines undefined';
    putMeasures(out, [
      ['nc2_equinorm_cov_weights', () => equinormCov(gw), 'mean classifier-row norm is 0'],
      ['nc2_equiangular_std_weights', () => equiangularStd(gw), zeroRow],
      ['nc2_maxangle_weights', () => maxAngle(gw, Ke), zeroRow],
      ['nc2_cos_mean_weights', () => cosMean(gw), zeroRow],
      ['nc2_etf_error_weights', () => serr(gram(We), stats.etf()), 'W = 0'],
      ['nc2_identity_error_weights', () => serr(gram(We), stats.identity()), 'W = 0'],
    ]);
  },
};
