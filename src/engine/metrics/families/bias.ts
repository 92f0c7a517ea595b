// The bias relation ‖Wμ_G ± b‖ (docs/metrics.md §2.5): host algebra on W, b and the global mean.
import { biasRelation } from '../nc5';
import { NO_W, type MetricFamily } from './family';

export const bias: MetricFamily = {
  name: 'bias',
  keys: ['nc_bias_wmug_plus_b', 'nc_bias_wmug_minus_b'],
  needs: () => ({}),
  finish({ input, stats }, out) {
    const { W, b } = input;
    if (!W) {
      out.nullAll(bias.keys, NO_W);
      return;
    }
    if (out.want('nc_bias_wmug_plus_b'))
      out.put('nc_bias_wmug_plus_b', biasRelation(W, b, stats.ref, stats.gRel, 1));
    if (out.want('nc_bias_wmug_minus_b'))
      out.put('nc_bias_wmug_minus_b', biasRelation(W, b, stats.ref, stats.gRel, -1));
  },
};
