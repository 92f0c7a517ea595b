// Memorization–dilation under label noise (Nguyen et al. 2023): the means and spreads of the
// corrupted and uncorrupted samples of each class, from pass-1 sums keyed by (label, original
// label) and pass-2 distances to the clean class means.
import { LABEL_NOISE_KEYS } from '../keys';
import { classDistanceSpread, labelNoiseMeasures } from '../md';
import type { MetricFamily } from './family';

export const labelNoise: MetricFamily = {
  name: 'label noise',
  keys: LABEL_NOISE_KEYS,
  needs: (want, facts) => ({
    noiseSums: facts.hasNoise && want(...LABEL_NOISE_KEYS),
    cleanDistances: facts.hasNoise && want('md_uncorrupted_stds'),
  }),
  finish({ input, facts, moments, stats, pass2 }, out) {
    if (!facts.hasNoise) {
      out.nullAll(
        LABEL_NOISE_KEYS,
        'no label-corruption information (labelsOriginal absent or equal to labels)',
      );
      return;
    }
    if (!moments.noise || !out.want(...LABEL_NOISE_KEYS)) return;
    const { labels, labelsOriginal: yo, K } = input;
    let cleanStd: number[] | null = null;
    if (pass2?.cleanDist && yo) {
      cleanStd = classDistanceSpread(
        pass2.cleanDist,
        labels,
        stats.classes,
        K,
        (i) => labels[i] === yo[i],
      ).std;
    }
    const m = labelNoiseMeasures(moments.noise, K, stats.classes, stats.ref, moments.rel, cleanStd);
    out.put('md_uncorrupted_means', m.uncorruptedMeans, m.uncorruptedReason);
    out.put('md_corrupted_means', m.corruptedMeans);
    out.put('md_uncorrupted_stds', m.uncorruptedStds, m.uncorruptedReason);
    out.put('md_corruption_bias', m.corruptionBias, m.biasReason);
  },
};
