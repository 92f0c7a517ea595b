// Per-layer NC1–NC3 through a bias-free linear stack (Dang et al. 2023): the class means carried
// through the layers on the host, NC1 from pass 2's within-class blocks of every layer.
import { DEEP_KEYS, type MetricKey } from '../keys';
import { deepMetrics } from '../deep';
import type { MetricFamily } from './family';

export const deep: MetricFamily = {
  name: 'deep',
  keys: DEEP_KEYS,
  needs: (want, facts) => ({
    layerChain: facts.hasLayers && want(...DEEP_KEYS),
    projections: facts.hasLayers && want('deep_nc1_pinv') ? ['Mc', 'layers'] : [],
  }),
  finish(ctx, out) {
    const { layers } = ctx;
    if (!ctx.facts.hasLayers) out.nullAll(DEEP_KEYS, 'no linear-layer stack given');
    if (!layers) return;
    const withinA = layers.map((_, l) => (l === 0 ? ctx.within('Mc') : ctx.within(`deep${l}`)));
    const dm = deepMetrics(layers, withinA, ctx.input.rtol);
    ctx.diagnostics.deepSigmaBRanks = dm.ranks;
    const put = (k: MetricKey, v: (number | null)[]) =>
      out.put(
        k,
        v.some((x) => x === null) ? null : (v as number[]),
        'undefined at some layer (zero matrix)',
      );
    put('deep_nc1_pinv', dm.nc1);
    put('deep_nc2_etf_error_weights', dm.nc2EtfW);
    put('deep_nc2_identity_error_weights', dm.nc2IdW);
    put('deep_nc2_etf_error_means', dm.nc2EtfM);
    put('deep_nc2_identity_error_means', dm.nc2IdM);
    put('deep_nc3_wh_etf_error', dm.nc3WhEtf);
    put('deep_nc3_wh_identity_error', dm.nc3WhId);
    put('deep_nc3_w_sub_h_uncentred', dm.nc3SubUnc);
    put('deep_nc3_w_sub_h_centred', dm.nc3SubCen);
  },
};
