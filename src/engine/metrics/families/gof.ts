// Goodness of fit to the deep-linear UFM's closed-form optimum (Dang et al. 2023, Thm 3.1):
// targets from the regularisation constants, compared with W and the class means.
import { GOF_KEYS } from '../keys';
import { gofMetrics } from '../gof';
import { NO_W, type MetricFamily } from './family';

export const gof: MetricFamily = {
  name: 'GOF',
  keys: GOF_KEYS,
  needs: () => ({}),
  finish({ input, stats }, out) {
    if (!input.gof) {
      out.nullAll(GOF_KEYS, 'no gof hyper-parameters given');
      return;
    }
    if (!out.want(...GOF_KEYS)) return;
    const { We } = stats;
    const g = gofMetrics(We, stats.means, stats.n, stats.N, input.gof);
    out.put('gof_b', g.b);
    out.put('gof_x', g.x);
    out.put('gof_s', g.s);
    out.put('gof_nc2_w', g.nc2W, We ? g.reason : NO_W);
    out.put('gof_nc2_h', g.nc2H, g.reason);
    out.put('gof_nc3_wh', g.nc3WH, We ? g.reason : NO_W);
    out.put('gof_nc3_w_sub_h', g.nc3WSubH, We ? 'W = 0 or all class means are 0' : NO_W);
    out.put('gof_nc3_w_div_h', g.nc3WDivH, We ? 'a class mean is the zero vector' : NO_W);
  },
};
