// What every metric the lab shows means, in one place: a label, a definition in words, a formula
// (plain Unicode) and the value that means collapse. The panels and tables show these as tooltips.
// Typed against the key lists of the report-key registry (reportKeys.ts), so a key added there
// without a definition fails the typecheck. Sources: Papyan, Han & Donoho 2020 (NC1–NC4), Zhu et
// al. 2021, Dang et al. 2023 (deep linear heads, imbalance: GOF), Nguyen et al. 2023
// (memorization–dilation).
import type { MdExtraKey } from '../md/memorization';
import type { MetricKey } from './keys';
import type { SessionKey, Split, SplitField } from './reportKeys';

export interface MetricDefinition {
  /** short human name, e.g. "NC1 (within-class variability)" */
  label: string;
  /** what it measures, in words */
  words: string;
  /** the formula in plain Unicode */
  formula: string;
  /** which value means collapse (or what to read) */
  collapse: string;
}

/** Notation shared by the formulas (shown once, under the definitions). */
export const NOTATION =
  'h: a feature vector; μ_c: mean of class c; μ_G: global mean; M̃: centred class means (rows μ_c − μ_G); H̄: uncentred class means; W: classifier (K × d); Σ_W, Σ_B: within- and between-class covariance; ⁺: pseudo-inverse; serr(A, T) = ‖A/‖A‖_F − T‖_F; ETF_K = (I − 11ᵀ/K)/√(K−1), normalised.';

const d = (label: string, words: string, formula: string, collapse: string): MetricDefinition => ({
  label,
  words,
  formula,
  collapse,
});

const ZERO = '0 at collapse; smaller is more collapsed.';
const STAT = 'A statistic the metrics are built from; no single collapse value.';

export const METRIC_DEFINITIONS: Record<MetricKey, MetricDefinition> = {
  counts: d('class sizes', 'Number of samples in each class.', 'n_c', STAT),
  class_means: d(
    'class means',
    'Mean feature vector of each class.',
    'μ_c = (1/n_c) Σ_{y=c} h',
    STAT,
  ),
  global_mean: d('global mean', 'Mean of all features (sample-weighted).', 'μ_G = (1/N) Σ h', STAT),
  global_mean_unweighted: d(
    'global mean (unweighted)',
    'Mean of the class means, each class counting once.',
    'μ_G^u = (1/K) Σ_c μ_c',
    STAT,
  ),
  sigma_w: d(
    'Σ_W',
    'Within-class covariance: how features scatter around their class mean.',
    'Σ_W = (1/N) Σ_i (h_i − μ_{y_i})(h_i − μ_{y_i})ᵀ',
    'Σ_W → 0 at collapse.',
  ),
  sigma_b: d(
    'Σ_B',
    'Between-class covariance: how the class means spread around the global mean.',
    'Σ_B = (1/K) Σ_c (μ_c − μ_G)(μ_c − μ_G)ᵀ',
    STAT,
  ),
  class_var: d(
    'class variance',
    'Mean squared distance of each class’s features to its mean.',
    'σ_c² = mean_{y=c} ‖h − μ_c‖²',
    '0 at collapse.',
  ),
  trace_sigma_w: d('tr Σ_W', 'Total within-class variance.', 'tr Σ_W', '0 at collapse.'),
  trace_sigma_b: d('tr Σ_B', 'Total between-class variance.', 'tr Σ_B', STAT),
  nc1_pinv: d(
    'NC1 (within-class variability)',
    'Within-class scatter measured against the spread of the class means: features collapse onto their class means (Papyan et al. 2020).',
    'NC1 = tr(Σ_W Σ_B⁺) / K',
    ZERO,
  ),
  nc1_trace_sw_invsb: d(
    'NC1 without /K',
    'The NC1 trace without dividing by the number of classes.',
    'tr(Σ_W Σ_B⁺)',
    ZERO,
  ),
  nc1_pinv_mgu: d(
    'NC1 (unweighted centre)',
    'NC1 with Σ_B centred on the unweighted mean of the class means (differs under imbalance).',
    'tr(Σ_W Σ_B^u⁺) / K',
    ZERO,
  ),
  nc1_svd_topk: d(
    'NC1 (top K−1 directions)',
    'NC1 using only the K−1 leading directions of Σ_B; undefined when d ≤ K−1.',
    'tr(Σ_W V Λ⁻¹ Vᵀ) / K, V, Λ: top K−1 eigenpairs of Σ_B',
    ZERO,
  ),
  nc1_quotient: d(
    'NC1 quotient',
    'Total within-class variance over total between-class variance.',
    'tr Σ_W / tr Σ_B',
    ZERO,
  ),
  nc1_cdnv: d(
    'CDNV',
    'Class-distance normalised variance: the spread of two classes relative to the distance between their means, averaged over pairs (Galanti et al. 2022).',
    'mean_{c<c′} (σ_c² + σ_c′²) / (2‖μ_c − μ_c′‖²)',
    ZERO,
  ),
  nc1_cdnv_exp2: d(
    'CDNV (4th power)',
    'CDNV with the fourth power of the mean distance.',
    'mean_{c<c′} (σ_c² + σ_c′²) / (2‖μ_c − μ_c′‖⁴)',
    ZERO,
  ),
  nc2_equinorm_cov_means: d(
    'NC2 equinorm (means)',
    'Coefficient of variation of the centred class-mean lengths: are all means equally long?',
    'std(‖μ_c − μ_G‖) / mean(‖μ_c − μ_G‖)',
    '0 when all centred means have the same length.',
  ),
  nc2_equiangular_std_means: d(
    'NC2 equiangular (means)',
    'Spread of the cosines between pairs of centred class means.',
    'std_{c≠c′} cos(μ_c − μ_G, μ_c′ − μ_G)',
    '0 when every pair meets at the same angle.',
  ),
  nc2_maxangle_means: d(
    'NC2 max-angle (means)',
    'How far the pairwise cosines of centred means are from −1/(K−1), the simplex angle.',
    'mean_{c≠c′} |cos(μ_c − μ_G, μ_c′ − μ_G) + 1/(K−1)|',
    '0 at a simplex ETF.',
  ),
  nc2_cos_mean_means: d(
    'mean cosine (means)',
    'Average cosine between pairs of centred class means.',
    'mean_{c≠c′} cos(μ_c − μ_G, μ_c′ − μ_G)',
    '−1/(K−1) at a simplex ETF.',
  ),
  nc2_equinorm_cov_weights: d(
    'NC2 equinorm (classifier)',
    'Coefficient of variation of the classifier row lengths.',
    'std(‖w_c‖) / mean(‖w_c‖)',
    '0 when all rows have the same length.',
  ),
  nc2_equiangular_std_weights: d(
    'NC2 equiangular (classifier)',
    'Spread of the cosines between pairs of classifier rows.',
    'std_{c≠c′} cos(w_c, w_c′)',
    '0 when every pair meets at the same angle.',
  ),
  nc2_maxangle_weights: d(
    'NC2 max-angle (classifier)',
    'How far the pairwise cosines of classifier rows are from −1/(K−1).',
    'mean_{c≠c′} |cos(w_c, w_c′) + 1/(K−1)|',
    '0 at a simplex ETF.',
  ),
  nc2_cos_mean_weights: d(
    'mean cosine (classifier)',
    'Average cosine between pairs of classifier rows.',
    'mean_{c≠c′} cos(w_c, w_c′)',
    '−1/(K−1) at a simplex ETF.',
  ),
  nc2_equinorm_logvar_means: d(
    'NC2 log-norm variance (means)',
    'Variance of the log lengths of the centred class means.',
    'var(log ‖μ_c − μ_G‖)',
    '0 when all centred means have the same length.',
  ),
  nc2_etf_error_means: d(
    'NC2 (means vs simplex ETF)',
    'Distance of the Gram matrix of the centred class means from a simplex equiangular tight frame (Papyan et al. 2020; Zhu et al. 2021).',
    'serr(M̃M̃ᵀ, ETF_K)',
    '0 at a simplex ETF (needs d ≥ K − 1).',
  ),
  nc2_etf_error_means_mgu: d(
    'NC2 ETF error (unweighted centre)',
    'The NC2 ETF error with means centred on the unweighted mean of class means.',
    'serr(M̃ᵘM̃ᵘᵀ, ETF_K)',
    ZERO,
  ),
  nc2_etf_error_weights: d(
    'NC2 (classifier vs simplex ETF)',
    'Distance of the classifier’s Gram matrix from a simplex ETF.',
    'serr(WWᵀ, ETF_K)',
    '0 at a simplex ETF (the optimum with a bias and balanced classes).',
  ),
  nc2_identity_error_means: d(
    'NC2 (means vs orthogonal frame)',
    'Distance of the uncentred class means’ Gram matrix from a scaled identity: the orthogonal frame that bias-free MSE training reaches (Dang et al. 2023).',
    'serr(H̄H̄ᵀ, I/√K)',
    '0 at an orthogonal frame.',
  ),
  nc2_identity_error_weights: d(
    'NC2 (classifier vs orthogonal frame)',
    'Distance of the classifier’s Gram matrix from a scaled identity (Dang et al. 2023).',
    'serr(WWᵀ, I/√K)',
    '0 at an orthogonal frame.',
  ),
  gnc2_log_kernel_mean: d(
    'GNC2 log kernel (mean)',
    'Uniformity of the normalised class means on the sphere when K > d + 1 (no simplex fits): mean logarithmic energy.',
    'mean_{c<c′} −log ‖û_c − û_c′‖',
    'Smaller is more uniform; no fixed value.',
  ),
  gnc2_log_kernel_var: d(
    'GNC2 log kernel (variance)',
    'Variance of the pairwise log energies of the normalised means.',
    'var_{c<c′} −log ‖û_c − û_c′‖',
    '0 when all pairs are equally far apart.',
  ),
  gnc2_riesz_kernel_mean: d(
    'GNC2 Riesz kernel (mean)',
    'Mean Riesz energy of the normalised class means.',
    'mean_{c<c′} sign(d−2) ‖û_c − û_c′‖^{−(d−2)}',
    'Smaller is more uniform; no fixed value.',
  ),
  gnc2_riesz_kernel_var: d(
    'GNC2 Riesz kernel (variance)',
    'Variance of the pairwise Riesz energies.',
    'var_{c<c′} sign(d−2) ‖û_c − û_c′‖^{−(d−2)}',
    '0 when all pairs are equally far apart.',
  ),
  nc3_self_duality_papyan: d(
    'NC3 self-duality',
    'The classifier rows and the centred class means become the same up to scale (Papyan et al. 2020).',
    '‖W/‖W‖_F − M̃/‖M̃‖_F‖_F²',
    ZERO,
  ),
  nc3_w_sub_h_centred: d(
    'NC3 W − H (centred)',
    'Distance between the normalised classifier and the normalised centred means.',
    '‖W/‖W‖_F − M̃/‖M̃‖_F‖_F',
    ZERO,
  ),
  nc3_w_sub_h_uncentred: d(
    'NC3 W − H (uncentred)',
    'Distance between the normalised classifier and the normalised uncentred means (the bias-free form).',
    '‖W/‖W‖_F − H̄/‖H̄‖_F‖_F',
    ZERO,
  ),
  nc3_duality_rownorm: d(
    'NC3 row-normalised duality',
    'Distance between each classifier row and its centred class mean, each scaled to unit length.',
    '‖rownorm(M̃) − rownorm(W)‖_F² / K',
    ZERO,
  ),
  nc3_wh_etf_error: d(
    'NC3 (W·means vs simplex ETF)',
    'The product of classifier and centred means compared with a simplex ETF (Zhu et al. 2021).',
    'serr(WM̃ᵀ, ETF_K)',
    ZERO,
  ),
  nc3_wh_identity_error: d(
    'NC3 (W·means vs identity)',
    'The product of classifier and uncentred means compared with a scaled identity (the bias-free optimum; Dang et al. 2023).',
    'serr(WH̄ᵀ, I/√K)',
    ZERO,
  ),
  unc3_cos_mean: d(
    'UNC3 mean cosine',
    'Average cosine between each classifier row and its centred class mean.',
    'mean_c cos(w_c, μ_c − μ_G)',
    '1 when every row points along its mean.',
  ),
  unc3_cos_var: d(
    'UNC3 cosine variance',
    'Variance over classes of that cosine.',
    'var_c cos(w_c, μ_c − μ_G)',
    '0 when all classes align equally.',
  ),
  unc3_dot_var: d(
    'UNC3 dot-product variance',
    'Variance over classes of the inner product of each classifier row with its centred mean.',
    'var_c ⟨w_c, μ_c − μ_G⟩',
    '0 when all classes align equally.',
  ),
  nc4_ncc_mismatch_train: d(
    'NC4 (NCC mismatch)',
    'Share of training samples where the network’s decision differs from the nearest-class-centre rule (Papyan et al. 2020).',
    'P_train[argmax_c (Wh + b)_c ≠ argmin_c ‖h − μ_c‖]',
    '0 at collapse: the network decides like nearest class centre.',
  ),
  ncc_accuracy_train: d(
    'NCC accuracy (train)',
    'Accuracy of the nearest-class-centre rule on the training set.',
    'P_train[argmin_c ‖h − μ_c‖ = y]',
    '1 on separable training data at collapse.',
  ),
  net_accuracy_train: d(
    'network accuracy (train)',
    'Accuracy of the network’s own decision on the training set.',
    'P_train[argmax_c (Wh + b)_c = y]',
    '1 once the training set is fitted.',
  ),
  nc4_agreement_nobias_train: d(
    'NC4 agreement without bias',
    'Share of training samples where argmax Wh (bias ignored) agrees with the nearest class centre.',
    'P_train[argmax_c (Wh)_c = argmin_c ‖h − μ_c‖]',
    '1 at collapse.',
  ),
  nc4_ncc_mismatch_test: d(
    'NC4 (NCC mismatch, test)',
    'Share of test samples where the network differs from the nearest-class-centre rule with the training means.',
    'P_test[argmax (Wh + b) ≠ argmin_c ‖h − μ_c^train‖]',
    ZERO,
  ),
  ncc_accuracy_test: d(
    'NCC accuracy (test)',
    'Accuracy of the nearest-class-centre rule (training means) on the test set.',
    'P_test[argmin_c ‖h − μ_c‖ = y]',
    'Higher is better; no fixed value.',
  ),
  net_accuracy_test: d(
    'network accuracy (test)',
    'Accuracy of the network on the test set.',
    'P_test[argmax (Wh + b) = y]',
    'Higher is better; no fixed value.',
  ),
  nc_bias_wmug_plus_b: d(
    'bias relation ‖Wμ_G + b‖',
    'With a bias, collapse makes the logits of the global mean cancel the bias (Zhu et al. 2021).',
    '‖W μ_G + b‖₂',
    ZERO,
  ),
  nc_bias_wmug_minus_b: d(
    'bias relation ‖Wμ_G − b‖',
    'The same relation with the sign used by the memorization–dilation code (Nguyen et al. 2023).',
    '‖W μ_G − b‖₂',
    'Read with care: the opposite sign of Zhu et al.’s relation.',
  ),
  nc5_ood_orthodev: d(
    'NC5 (OoD orthogonality)',
    'How far the class means are from orthogonal to the mean of out-of-distribution features (Ammar et al. 2024).',
    'mean_c |cos(μ_c, μ_G^OoD)|',
    ZERO,
  ),
  md_class_dist_var: d(
    'distance variance per class',
    'Variance of the distances of each class’s samples to their class mean.',
    'var_{y=c} ‖h − μ_c‖',
    '0 at collapse.',
  ),
  md_class_dist_std: d(
    'distance spread per class',
    'Standard deviation of the distances to the class mean: the radius drawn in the memorization–dilation plots.',
    'std_{y=c} ‖h − μ_c‖',
    '0 at collapse.',
  ),
  md_sigma_w_diag_kn: d(
    'Σ_W diagonal (code’s normaliser)',
    'Within-class scatter per dimension, divided by K times the size of the last class, as the memorization–dilation code does.',
    'Σ_i (h_ij − μ_{y_i j})² / (K · n_{K−1})',
    '0 at collapse.',
  ),
  md_nc1_logits_pinv: d(
    'NC1 of the logits',
    'NC1 measured on the logits z = Wh + b instead of the features.',
    'tr(Σ_W^z Σ_B^z⁺) / K',
    ZERO,
  ),
  md_ece15_train: d(
    'ECE (train, 15 bins)',
    'Expected calibration error: the gap between confidence and accuracy, over 15 equal-width confidence bins, against the labels trained on.',
    'Σ_bins (n_bin/N) · |mean confidence − accuracy|',
    '0 for a perfectly calibrated model.',
  ),
  md_uncorrupted_means: d(
    'clean class means',
    'Mean of the samples of each class whose label was not corrupted.',
    'μ_c^cl = mean {h : y = y_orig = c}',
    STAT,
  ),
  md_corrupted_means: d(
    'corrupted means',
    'Mean of the samples labelled c that really belong to class c′ (empty on the diagonal).',
    'mean {h : y = c, y_orig = c′ ≠ c}',
    STAT,
  ),
  md_uncorrupted_stds: d(
    'dilation (clean spread)',
    'Spread of the clean samples around their clean class mean: the paper’s dilation (Nguyen et al. 2023).',
    'std_{clean, y=c} ‖h − μ_c^cl‖',
    '0 at collapse; grows with label noise (dilation).',
  ),
  md_corruption_bias: d(
    'corruption bias',
    'How far the corrupted samples labelled c sit from class c’s mean towards each other class c′.',
    '⟨m_c^corr − μ_c, (μ_c′ − μ_c)/‖μ_c′ − μ_c‖⟩',
    '≈ ‖μ_c′ − μ_c‖: not memorised; ≈ 0: memorised into class c.',
  ),
  gof_b: d(
    'GOF b̃',
    'The constant of the imbalanced bias-free optimum (Dang et al. 2023).',
    'b̃ = M N (N λ_W^M λ_H)^{1/M}',
    'A theory constant, not a collapse measure.',
  ),
  gof_x: d(
    'GOF x_k',
    'Per-class root of the optimality equation; 0 means minority collapse of class k (Dang et al. 2023).',
    'largest root of b̃/n_k = M x^{M−1} / (x^M + 1)²',
    'A theory constant: x_k = 0 is minority collapse.',
  ),
  gof_s: d(
    'GOF s_k',
    'Per-class singular value of the optimal classifier (Dang et al. 2023).',
    's_k = (N λ_H x_k^M)^{1/(2M)}',
    'A theory constant.',
  ),
  gof_nc2_w: d(
    'GOF NC2 (classifier)',
    'Distance of WWᵀ from the general orthogonal frame the theory predicts for imbalanced classes (Dang et al. 2023).',
    'serr(WWᵀ, D(s^{2M}))',
    ZERO,
  ),
  gof_nc2_h: d(
    'GOF NC2 (means)',
    'Distance of the uncentred means’ Gram matrix from the predicted general orthogonal frame.',
    'serr(H̄H̄ᵀ, D(s^{2M} / (s^{2M} + Nλ_H)²))',
    ZERO,
  ),
  gof_nc3_wh: d(
    'GOF NC3 (W·means)',
    'Distance of WH̄ᵀ from the predicted diagonal.',
    'serr(WH̄ᵀ, D(s^{2M} / (s^{2M} + Nλ_H)))',
    ZERO,
  ),
  gof_nc3_w_sub_h: d(
    'GOF NC3 (W − scaled means)',
    'Distance between the normalised classifier and the means rescaled as the theory predicts.',
    '‖W/‖W‖_F − B/‖B‖_F‖_F, B = diag(s^{2M} + Nλ_H) H̄',
    ZERO,
  ),
  gof_nc3_w_div_h: d(
    'GOF NC3 (length ratios)',
    'Ratios of squared classifier-row lengths to squared mean lengths against the predicted ratios.',
    '‖diag(WWᵀ) ⊘ diag(H̄H̄ᵀ) − t‖₂',
    ZERO,
  ),
  deep_nc1_pinv: d(
    'NC1 per layer',
    'NC1 of the features entering each linear head layer l (Dang et al. 2023).',
    'tr(Σ_W^l Σ_B^l⁺) / K, l = 0…M−1',
    ZERO,
  ),
  deep_nc2_etf_error_weights: d(
    'NC2 (classifier vs ETF) per layer',
    'ETF error of the effective classifier E_l = W_M⋯W_{l+1} of each layer.',
    'serr(E_l E_lᵀ, ETF_K)',
    ZERO,
  ),
  deep_nc2_identity_error_weights: d(
    'NC2 (classifier vs orthogonal) per layer',
    'Orthogonal-frame error of each layer’s effective classifier.',
    'serr(E_l E_lᵀ, I/√K)',
    ZERO,
  ),
  deep_nc2_etf_error_means: d(
    'NC2 (means vs ETF) per layer',
    'ETF error of the centred class means at each layer.',
    'serr(M̃_l M̃_lᵀ, ETF_K)',
    ZERO,
  ),
  deep_nc2_identity_error_means: d(
    'NC2 (means vs orthogonal) per layer',
    'Orthogonal-frame error of the uncentred class means at each layer.',
    'serr(H̄_l H̄_lᵀ, I/√K)',
    ZERO,
  ),
  deep_nc3_wh_etf_error: d(
    'NC3 (W·means vs ETF) per layer',
    'Self-duality at each layer; the same at every layer of a linear stack.',
    'serr(E_l M̃_lᵀ, ETF_K)',
    ZERO,
  ),
  deep_nc3_wh_identity_error: d(
    'NC3 (W·means vs identity) per layer',
    'Bias-free self-duality at each layer.',
    'serr(E_l H̄_lᵀ, I/√K)',
    ZERO,
  ),
  deep_nc3_w_sub_h_uncentred: d(
    'NC3 W − H (uncentred) per layer',
    'Normalised classifier minus normalised uncentred means, per layer.',
    '‖E_l/‖E_l‖_F − H̄_l/‖H̄_l‖_F‖_F',
    ZERO,
  ),
  deep_nc3_w_sub_h_centred: d(
    'NC3 W − H (centred) per layer',
    'Normalised classifier minus normalised centred means, per layer.',
    '‖E_l/‖E_l‖_F − M̃_l/‖M̃_l‖_F‖_F',
    ZERO,
  ),
};

const MEM_WORDS =
  'Memorization: how far the corrupted samples of original class c sit from the clean mean of class c (Nguyen et al. 2023).';
const DIL_WORDS =
  'Dilation: the spread of the clean samples of class c around their clean mean (Nguyen et al. 2023).';
const MD_READ = 'Lower memorization for the same dilation means more robustness to noise.';

export const MD_EXTRA_DEFINITIONS: Record<MdExtraKey, MetricDefinition> = {
  md_n_corrupted: d(
    'corrupted samples',
    'Number of training samples of each original class whose label was changed.',
    '#{y ≠ y_orig, y_orig = c}',
    STAT,
  ),
  md_memorization_sum: d(
    'memorization (sum)',
    MEM_WORDS + ' Summed, as the paper’s code does.',
    'Σ_{corrupted, y_orig = c} ‖h − μ_c^cl‖',
    MD_READ,
  ),
  md_memorization: d(
    'memorization',
    MEM_WORDS,
    'mean_{corrupted, y_orig = c} ‖h − μ_c^cl‖',
    MD_READ,
  ),
  md_memorization_rel: d(
    'memorization (relative)',
    MEM_WORDS +
      ' Divided by the distance between clean means, so it does not depend on the feature scale.',
    'mean_{corrupted, y_orig = c} ‖h − μ_c^cl‖ / ‖μ_0^cl − μ_1^cl‖',
    MD_READ,
  ),
  md_dilation: d('dilation', DIL_WORDS, 'std_{clean, y = c} ‖h − μ_c^cl‖', MD_READ),
  md_dilation_rel: d(
    'dilation (relative)',
    DIL_WORDS + ' Divided by the distance between clean means.',
    'std_{clean, y = c} ‖h − μ_c^cl‖ / ‖μ_0^cl − μ_1^cl‖',
    MD_READ,
  ),
  md_dilation_mean_dist: d(
    'clean mean distance',
    'Mean distance of the clean samples to their clean class mean.',
    'mean_{clean, y = c} ‖h − μ_c^cl‖',
    '0 at collapse.',
  ),
  md_dilation_mean_dist_rel: d(
    'clean mean distance (relative)',
    'The clean mean distance divided by the distance between clean means.',
    'mean_{clean, y = c} ‖h − μ_c^cl‖ / ‖μ_0^cl − μ_1^cl‖',
    '0 at collapse.',
  ),
  md_ratio_mean_dist: d(
    'memorization / clean distance',
    'How much farther the corrupted samples sit from the clean mean than the clean samples do.',
    'mean_corr ‖h − μ_c^cl‖ / mean_clean ‖h − μ_c^cl‖',
    '≈ 1: corrupted samples look like clean ones; large: they were moved away (memorised).',
  ),
  md_clean_mean_separation: d(
    'clean-mean separation',
    'Average distance between the clean class means: the scale the relative forms divide by.',
    'mean_{c<c′} ‖μ_c^cl − μ_c′^cl‖',
    STAT,
  ),
  md_corruption_bias_rel: d(
    'corruption bias (relative)',
    'The corruption bias divided by the clean-mean separation.',
    'md_corruption_bias / mean ‖μ_c^cl − μ_c′^cl‖',
    '≈ 1: not memorised; ≈ 0: memorised.',
  ),
  md_memorization_avg: d(
    'memorization (class average)',
    MEM_WORDS,
    'mean_c memorization_c',
    MD_READ,
  ),
  md_memorization_rel_avg: d(
    'relative memorization (class average)',
    MEM_WORDS,
    'mean_c memorization_rel_c',
    MD_READ,
  ),
  md_dilation_avg: d('dilation (class average)', DIL_WORDS, 'mean_c dilation_c', MD_READ),
  md_dilation_rel_avg: d(
    'relative dilation (class average)',
    DIL_WORDS,
    'mean_c dilation_rel_c',
    MD_READ,
  ),
};

/** The scalars a session reports besides the metrics library's keys. */
export const SESSION_DEFINITIONS: Record<SessionKey, MetricDefinition> = {
  loss: d(
    'loss',
    'The training objective: data term plus weight and feature decay.',
    'f = data loss + λ_W/2 Σ‖W_j‖² + λ_H/2 ‖H‖²',
    'Falls towards the closed-form minimum f*.',
  ),
  loss_mse: d(
    'MSE term',
    'Mean squared error of the unconstrained-features model.',
    '‖W H + b1ᵀ − Y‖²/(2N)',
    STAT,
  ),
  loss_data: d(
    'data loss',
    'The loss on the labels (MSE or cross-entropy), without decay terms.',
    'ℓ(Wh + b, y) averaged',
    STAT,
  ),
  loss_weight_decay: d(
    'weight decay term',
    'The penalty on the classifier weights.',
    'λ_W/2 Σ_j ‖W_j‖²_F',
    STAT,
  ),
  loss_feature_decay: d('feature decay term', 'The penalty on the features.', 'λ_H/2 ‖H‖²_F', STAT),
  train_acc: d(
    'train accuracy',
    'Share of training samples classified as their (trained-on) label.',
    'P_train[argmax = y]',
    '1 once the training set is fitted.',
  ),
  test_acc: d(
    'test accuracy',
    'Share of test samples classified correctly.',
    'P_test[argmax = y]',
    'Higher is better.',
  ),
  val_acc: d(
    'validation accuracy',
    'Accuracy on the held-out part of the training set.',
    'P_val[argmax = y]',
    'Higher is better.',
  ),
  train_acc5: d(
    'train top-5 accuracy',
    'Share of training samples whose (trained-on) label is among the five largest logits; reported when K ≥ 5.',
    'P_train[y ∈ top5(z)]',
    '1 once the training set is fitted.',
  ),
  test_acc5: d(
    'test top-5 accuracy',
    'Share of test samples whose label is among the five largest logits; reported when K ≥ 5.',
    'P_test[y ∈ top5(z)]',
    'Higher is better.',
  ),
  val_acc5: d(
    'validation top-5 accuracy',
    'Share of held-out samples whose label is among the five largest logits; reported when K ≥ 5.',
    'P_val[y ∈ top5(z)]',
    'Higher is better.',
  ),
  epoch: d('epoch', 'Passes over the training set so far.', 'epoch', STAT),
  lr: d('learning rate', 'The current step size of the optimiser.', 'lr', STAT),
  md_test_accuracy: d(
    'test accuracy',
    'Accuracy on the clean test set, the class with the largest logit against the true label. In the four-class problem a test sample predicted as the latent copy of its class counts as an error, as in the paper’s code.',
    'P_test[argmax_c z_c = y]',
    'Higher is better.',
  ),
  md_test_accuracy_merged: d(
    'test accuracy (latent classes merged)',
    'Four-class problem: a prediction of class c or of its latent copy c + 2 counts as class c, the only fair reading on a test set that has labels 0 and 1 only.',
    'P_test[(argmax_c z_c) mod 2 = y]',
    'Higher is better.',
  ),
  md_test_ece15: d(
    'test ECE (15 bins)',
    'Expected calibration error on the test set.',
    'Σ_bins (n_bin/N) · |mean confidence − accuracy|',
    '0 for a perfectly calibrated model.',
  ),
};

/** The per-split accuracy keys of a memorization–dilation run: md_<field>_<train|val>. */
const SPLIT_FIELD_TEXT: Record<SplitField, [string, string, string]> = {
  acc_noisy: [
    'accuracy (noisy labels)',
    'Share of samples predicted as the label they were trained on.',
    'P[argmax = ỹ]',
  ],
  acc_original: [
    'accuracy (original labels)',
    'Share of samples predicted as their true, uncorrupted label.',
    'P[argmax = y_orig]',
  ],
  noisy_fitted: [
    'noisy labels fitted',
    'Share of corrupted samples predicted as their wrong (noisy) label: how much noise the network memorised.',
    'P_corrupted[argmax = ỹ]',
  ],
  corrupted_pred_original: [
    'corrupted predicted as true class',
    'Share of corrupted samples predicted as their true class.',
    'P_corrupted[argmax = y_orig]',
  ],
  clean_acc: [
    'clean accuracy',
    'Accuracy on the samples whose label was not corrupted.',
    'P_clean[argmax = y]',
  ],
};
const SPLIT_NAMES: Record<Split, string> = { train: 'train', val: 'held-out validation' };

/** The definition of the split-accuracy key md_<field>_<split>. */
export function splitDefinition(field: SplitField, split: Split): MetricDefinition {
  const [label, words, formula] = SPLIT_FIELD_TEXT[field];
  return d(`${label}, ${SPLIT_NAMES[split]}`, words, formula, 'Read against the noise rate.');
}

/** The tooltip text: label, words, formula, collapse value. */
export function definitionText(def: MetricDefinition): string {
  return `${def.label}: ${def.words} Formula: ${def.formula}. Collapse: ${def.collapse}`;
}
