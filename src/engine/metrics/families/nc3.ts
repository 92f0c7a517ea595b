// NC3 / UNC3: self-duality of the classifier rows and the class means (docs/metrics.md §2.3).
// Host algebra on pass 1 and W; every key needs W.
import { gram, normalisedDistance, serr } from '../../core/linalg';
import { dualityRownorm, uniformDuality } from '../nc3';
import { NO_W, type MetricFamily } from './family';
import { putMeasures } from './measures';

const UNIFORM_KEYS = ['unc3_cos_mean', 'unc3_cos_var', 'unc3_dot_var'] as const;

export const nc3: MetricFamily = {
  name: 'NC3',
  keys: [
    'nc3_self_duality_papyan',
    'nc3_w_sub_h_centred',
    'nc3_w_sub_h_uncentred',
    'nc3_duality_rownorm',
    'nc3_wh_etf_error',
    'nc3_wh_identity_error',
    ...UNIFORM_KEYS,
  ],
  needs: () => ({}),
  finish({ stats }, out) {
    const { We, Mc, means } = stats;
    const gw = stats.weightGeometry();
    if (!We || !gw) {
      out.nullAll(nc3.keys, NO_W);
      return;
    }
    const gm = stats.meanGeometry();
    const zeroRow = 'a centred class mean or classifier row is the zero vector';
    if (out.want('nc3_self_duality_papyan', 'nc3_w_sub_h_centred')) {
      const dc = normalisedDistance(We, Mc);
      out.put('nc3_self_duality_papyan', dc === null ? null : dc * dc, 'W = 0 or M̃ = 0');
      out.put('nc3_w_sub_h_centred', dc, 'W = 0 or M̃ = 0');
    }
    putMeasures(out, [
      [
        'nc3_w_sub_h_uncentred',
        () => normalisedDistance(We, means),
        'W = 0 or all class means are 0',
      ],
      ['nc3_duality_rownorm', () => dualityRownorm(gm, gw), zeroRow],
      ['nc3_wh_etf_error', () => serr(gram(We, Mc), stats.etf()), 'W M̃ᵀ = 0'],
      ['nc3_wh_identity_error', () => serr(gram(We, means), stats.identity()), 'W H̄ᵀ = 0'],
    ]);
    if (out.want(...UNIFORM_KEYS)) {
      const u = uniformDuality(We, Mc, gm, gw);
      out.put('unc3_cos_mean', u.cosMean, zeroRow);
      out.put('unc3_cos_var', u.cosVar, zeroRow);
      out.put('unc3_dot_var', u.dotVar);
    }
  },
};
