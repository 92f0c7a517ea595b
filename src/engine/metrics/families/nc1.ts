// NC1: within-class variability collapse (docs/metrics.md §2.1): the pseudo-inverse measure and
// its variants on the K×K within-class block of pass 2, the quotient and the CDNV from pass 1.
import { congruence, norm } from '../../core/linalg';
import { cdnv, pinvProjected } from '../nc1';
import type { MetricFamily } from './family';

const SIGMA_B_ZERO = 'Σ_B = 0: all class means coincide';

export const nc1: MetricFamily = {
  name: 'NC1',
  keys: [
    'nc1_pinv',
    'nc1_trace_sw_invsb',
    'nc1_pinv_mgu',
    'nc1_svd_topk',
    'nc1_quotient',
    'nc1_cdnv',
    'nc1_cdnv_exp2',
  ],
  // the pseudo-inverse measures need M̃ Σ_W M̃ᵀ; the unweighted-mean variant also the δ rows
  needs: (want) => ({
    projections: [
      ...(want('nc1_pinv', 'nc1_trace_sw_invsb', 'nc1_pinv_mgu', 'nc1_svd_topk')
        ? (['Mc'] as const)
        : []),
      ...(want('nc1_pinv_mgu') ? (['delta'] as const) : []),
    ],
  }),
  finish(ctx, out) {
    const { stats, input, diagnostics } = ctx;
    const { Ke, d, Mc, traceSw, traceSb } = stats;
    if (ctx.within('Mc')) {
      const pinv = ctx.sigmaBPinv();
      out.put('nc1_pinv', pinv.value, SIGMA_B_ZERO);
      out.put('nc1_trace_sw_invsb', pinv.value === null ? null : Ke * pinv.value, SIGMA_B_ZERO);
      if (d <= Ke - 1) out.put('nc1_svd_topk', null, 'scipy svds needs k = K-1 < d');
      else if (pinv.rank < Ke - 1) {
        out.put(
          'nc1_svd_topk',
          null,
          'rank(Σ_B) < K-1: the top-(K-1) inverse would invert a ~0 eigenvalue',
        );
      } else out.put('nc1_svd_topk', pinv.value);
    }
    if (out.want('nc1_pinv_mgu')) {
      // A^u = T B Tᵀ with B the scatter of [M̃; δ] and T = [I | 1] (M̃^u = M̃ + 1δᵀ)
      const B = ctx.within('Mc', 'delta');
      if (B) {
        const T = Array.from({ length: Ke }, (_, a) =>
          Float64Array.from({ length: Ke + 1 }, (_, j) => (j === a || j === Ke ? 1 : 0)),
        );
        const pu = pinvProjected(stats.gramMcU(), congruence(T, B), input.rtol);
        out.put('nc1_pinv_mgu', pu.value, 'Σ_B (centred on the unweighted mean) = 0');
        diagnostics.sigmaBRankMgu = pu.rank;
      }
    }
    if (out.want('nc1_quotient'))
      out.put('nc1_quotient', traceSb > 0 ? traceSw / traceSb : null, 'tr Σ_B = 0');
    const scale = Math.max(...Mc.map((m) => norm(m)));
    if (out.want('nc1_cdnv')) {
      const r = cdnv(stats.rel, stats.classVar, scale, 1);
      out.put('nc1_cdnv', r.value, r.reason);
    }
    if (out.want('nc1_cdnv_exp2')) {
      const r = cdnv(stats.rel, stats.classVar, scale, 2);
      out.put('nc1_cdnv_exp2', r.value, r.reason);
    }
  },
};
