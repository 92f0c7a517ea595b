// Pass-1 statistics: counts, means, variances (docs/metrics.md §6.1, first block). Reported even
// when the geometry is undefined (fewer than 2 non-empty classes).
import type { MetricFamily } from './family';

const arr = (v: ArrayLike<number>): number[] => Array.from(v);

export const moments: MetricFamily = {
  name: 'moments',
  keys: [
    'counts',
    'class_means',
    'global_mean',
    'global_mean_unweighted',
    'class_var',
    'trace_sigma_w',
    'trace_sigma_b',
  ],
  beforeChecks: true,
  needs: () => ({}),
  finish({ moments, stats }, out) {
    out.put('counts', moments.counts.slice());
    out.put('class_means', stats.means.map(arr));
    out.put('global_mean', arr(stats.globalMean));
    out.put(
      'global_mean_unweighted',
      Array.from(stats.gRelU, (x, j) => stats.ref[j] + x),
    );
    out.put('class_var', stats.classVar);
    out.put('trace_sigma_w', stats.traceSw);
    out.put('trace_sigma_b', stats.traceSb);
  },
};
