// The d×d within- and between-class covariances Σ_W, Σ_B: only when asked for by name (DXD_KEYS),
// since everything else is computed in K×K form.
import { DXD_KEYS } from '../keys';
import { zeros } from '../../core/linalg';
import type { MetricFamily } from './family';

export const scatter: MetricFamily = {
  name: 'scatter',
  keys: DXD_KEYS,
  needs: (want) => ({ withinScatter: want('sigma_w') }),
  finish({ stats, pass2 }, out) {
    const { N, d, Ke, Mc } = stats;
    if (out.want('sigma_w')) {
      out.put(
        'sigma_w',
        pass2?.sigmaW ? pass2.sigmaW.map((r) => Array.from(r, (v) => v / N)) : null,
        'within-class scatter not accumulated',
      );
    }
    if (out.want('sigma_b')) {
      const Sb = zeros(d, d);
      for (const m of Mc)
        for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) Sb[a][b] += (m[a] * m[b]) / Ke;
      out.put(
        'sigma_b',
        Sb.map((r) => Array.from(r)),
      );
    }
  },
};
