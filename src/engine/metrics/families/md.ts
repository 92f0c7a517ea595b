// Memorization–dilation measures on the features (Nguyen et al. 2023; docs/memorization-dilation.md):
// the spread of the distances to the class means, the diagonal of Σ_W, NC1 in logit space and
// the calibration of the network's decisions. The label-noise measures are labelNoise.ts.
import { congruence, gram } from '../../core/linalg';
import { classDistanceSpread, ece15, sigmaWDiagKn } from '../md';
import { pinvProjected } from '../nc1';
import { NO_W, type MetricFamily } from './family';

export const md: MetricFamily = {
  name: 'MD',
  keys: [
    'md_class_dist_var',
    'md_class_dist_std',
    'md_sigma_w_diag_kn',
    'md_nc1_logits_pinv',
    'md_ece15_train',
  ],
  needs: (want, facts) => ({
    distances: want('md_class_dist_var', 'md_class_dist_std'),
    projections: facts.hasW && want('md_nc1_logits_pinv') ? ['W'] : [],
    // the calibration of the network's decisions: nothing to compute without W
    trainDecisions: facts.hasW && want('md_ece15_train'),
    decisionExtras: facts.hasW && want('md_ece15_train'),
  }),
  finish(ctx, out) {
    const { input, moments, stats, pass2 } = ctx;
    const { labels, K, W } = input;
    if (pass2?.dist) {
      const s = classDistanceSpread(pass2.dist, labels, stats.classes, K);
      out.put('md_class_dist_var', s.variance);
      out.put('md_class_dist_std', s.std);
    }
    if (out.want('md_sigma_w_diag_kn')) {
      const s = sigmaWDiagKn(moments.m2, moments.counts);
      out.put('md_sigma_w_diag_kn', s.value, s.reason);
    }
    const Sw = W && out.want('md_nc1_logits_pinv') ? ctx.within('W') : null;
    if (W && Sw) {
      // logit space: Σ_W^z = W Σ_W Wᵀ, centred logit means Z̃ = M̃ Wᵀ
      const Zc = gram(stats.Mc, W);
      const pz = pinvProjected(gram(Zc), congruence(Zc, Sw), input.rtol);
      out.put('md_nc1_logits_pinv', pz.value, 'Σ_B of the logits = 0');
      ctx.diagnostics.logitsSigmaBRank = pz.rank;
    }
    const dec = pass2?.decisions;
    if (dec?.conf && dec.net) out.put('md_ece15_train', ece15(dec.conf, dec.net, labels));
    if (!W) out.nullAll(['md_nc1_logits_pinv', 'md_ece15_train'], NO_W);
  },
};
