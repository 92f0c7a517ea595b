// NC5: orthogonality of the in-distribution class means to the OoD global mean
// (docs/metrics.md §2.6).
import { oodOrthoDev } from '../nc5';
import type { MetricFamily } from './family';

export const nc5: MetricFamily = {
  name: 'NC5',
  keys: ['nc5_ood_orthodev'],
  needs: () => ({}),
  finish({ input, stats }, out) {
    if (!input.ood) {
      out.nullAll(nc5.keys, 'no OoD global mean given');
      return;
    }
    if (!out.want('nc5_ood_orthodev')) return;
    const o = oodOrthoDev(stats.means, input.ood);
    out.put('nc5_ood_orthodev', o.value, o.reason);
  },
};
