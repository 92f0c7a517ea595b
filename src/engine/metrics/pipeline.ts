// Orchestration shared by the device and host paths: decide what to accumulate for the requested
// keys, run the passes of an Accumulator, then compute every metric on the host in float64.
import {
  DEEP_KEYS,
  GOF_KEYS,
  LABEL_NOISE_KEYS,
  TEST_KEYS,
  resolveKeys,
  type MetricKey,
  type MetricSet,
} from './keys';
import {
  etfTarget,
  gram,
  identityTarget,
  congruence,
  normalisedDistance,
  norm,
  serr,
  zeros,
  type Rows,
} from '../core/linalg';
import { cdnv, pinvProjected, type PinvResult } from './nc1';
import {
  cosMean,
  equiangularStd,
  equinormCov,
  kernelStats,
  logNormVar,
  maxAngle,
  rowGeometry,
} from './nc2';
import { dualityRownorm, uniformDuality } from './nc3';
import { decisionRates } from './nc4';
import { biasRelation, oodOrthoDev } from './nc5';
import { classDistanceSpread, ece15, labelNoiseMeasures, sigmaWDiagKn } from './md';
import { gofMetrics } from './gof';
import { deepMetrics } from './deep';
import type {
  Accumulator,
  DecisionPlan,
  GofParams,
  MetricValue,
  MetricsResult,
  Pass2Plan,
} from './types';

export const DEFAULT_PINV_RTOL = 1e-6;

export interface PipelineInput {
  K: number;
  labels: Int32Array;
  labelsOriginal: Int32Array | null;
  testLabels: Int32Array | null;
  /** all K classifier rows (float64 host copy) */
  W: Rows | null;
  b: Float64Array | null;
  ood: Float64Array | null;
  /** number of layers of the linear stack (0 = none) */
  depth: number;
  gof: GofParams | null;
  rtol: number;
}

class Sink {
  readonly values: Partial<Record<MetricKey, MetricValue>> = {};
  readonly undefinedReasons: Partial<Record<MetricKey, string>> = {};
  constructor(readonly wanted: ReadonlySet<MetricKey>) {}
  want(...keys: MetricKey[]): boolean {
    return keys.some((k) => this.wanted.has(k));
  }
  /**
   * store v; a null value needs a reason. A value holding NaN or ±Infinity (overflow on huge
   * inputs, which a number or JSON cannot carry) is stored as undefined with that reason, so it
   * is never confused with a measure undefined by design.
   */
  put(k: MetricKey, v: MetricValue | undefined, reason?: string): void {
    if (!this.wanted.has(k)) return;
    if (v === null || v === undefined) {
      this.values[k] = null;
      this.undefinedReasons[k] = reason ?? 'undefined for this input';
    } else if (hasNonFinite(v)) {
      this.values[k] = null;
      this.undefinedReasons[k] = NOT_FINITE;
    } else {
      this.values[k] = v;
    }
  }
  /** every still-unset wanted key among `keys` becomes null with this reason */
  nullAll(keys: readonly MetricKey[], reason: string): void {
    for (const k of keys) if (this.wanted.has(k) && !(k in this.values)) this.put(k, null, reason);
  }
}

const NOT_FINITE =
  'not a finite number: the computation overflowed (inputs too large in magnitude for its ' +
  'precision; float32 engines hold |x| < 3.4e38)';

const MOMENTS_OVERFLOW =
  'not computed: the class means or second moments of the features overflowed (inputs too ' +
  'large in magnitude for the precision; float32 engines hold |x| < 3.4e38, squares < 3.4e38)';

/** Whether a value holds NaN or ±Infinity anywhere (null entries are allowed). */
function hasNonFinite(v: MetricValue | number[] | null): boolean {
  if (v === null) return false;
  if (typeof v === 'number') return !Number.isFinite(v);
  return (v as (number | null | MetricValue)[]).some((x) =>
    typeof x === 'number' ? !Number.isFinite(x) : hasNonFinite(x as MetricValue),
  );
}

const arr = (v: ArrayLike<number>): number[] => Array.from(v);
const NO_W = 'no classifier W given';
const FEW = 'fewer than 2 non-empty classes';

export async function runPipeline(
  acc: Accumulator,
  inp: PipelineInput,
  set: MetricSet = 'core',
): Promise<MetricsResult> {
  const { K, labels } = inp;
  const hasNoise =
    inp.labelsOriginal !== null && inp.labelsOriginal.some((v, i) => v !== labels[i]);
  const hasTest = inp.testLabels !== null;
  const keys = resolveKeys(set, {
    K,
    d: acc.d,
    hasTest,
    hasLabelNoise: hasNoise,
    hasGof: inp.gof !== null,
    hasLayers: inp.depth > 0,
  });
  const out = new Sink(new Set(keys));
  const W = inp.W;
  const rtol = inp.rtol;

  // ---------------------------------------------------------------- pass 1: counts, means, M2
  const wantNoise = hasNoise && out.want(...LABEL_NOISE_KEYS);
  const mom = await acc.pass1(wantNoise);
  const { N, d, ref } = mom;
  const counts = mom.counts;
  const classes = counts.map((n, c) => (n > 0 ? c : -1)).filter((c) => c >= 0);
  const Ke = classes.length;
  const n = classes.map((c) => counts[c]);
  const rel = classes.map((c) => mom.rel[c]);
  const absolute = (v: ArrayLike<number>) => Array.from(v, (x, j) => ref[j] + x);
  const gRel = new Float64Array(d);
  const gRelU = new Float64Array(d);
  rel.forEach((m, k) => {
    for (let j = 0; j < d; j++) {
      gRel[j] += (n[k] / N) * m[j];
      gRelU[j] += m[j] / Ke;
    }
  });
  const Mc = rel.map((m) => m.map((v, j) => v - gRel[j]));
  const McU = rel.map((m) => m.map((v, j) => v - gRelU[j]));
  const delta = gRel.map((v, j) => v - gRelU[j]);
  const means = rel.map((m) => Float64Array.from(absolute(m)));
  const globalMean = Float64Array.from(absolute(gRel));
  const classVar = classes.map((c, k) => mom.m2[c].reduce((a, v) => a + v, 0) / n[k]);
  const traceSw = classVar.reduce((a, v, k) => a + (n[k] / N) * v, 0);
  const traceSb = Mc.reduce((a, m) => a + m.reduce((s, v) => s + v * v, 0), 0) / Ke;
  const We = W ? classes.map((c) => W[c]) : null;

  out.put('counts', counts.slice());
  out.put('class_means', means.map(arr));
  out.put('global_mean', arr(globalMean));
  out.put('global_mean_unweighted', absolute(gRelU));
  out.put('class_var', classVar);
  out.put('trace_sigma_w', traceSw);
  out.put('trace_sigma_b', traceSb);

  const diagnostics: MetricsResult['diagnostics'] = {
    sigmaBRank: 0,
    counts: counts.slice(),
    classes,
    emptyClasses: counts.map((v, c) => (v > 0 ? -1 : c)).filter((c) => c >= 0),
    N,
    d,
    K,
    pinvRtol: rtol,
    batches: mom.batches,
  };
  if (Ke < 2) {
    out.nullAll(keys, FEW);
    return finish(out, keys, diagnostics);
  }
  if (![traceSw, traceSb, ...globalMean].every(Number.isFinite)) {
    // Every further measure is built on these moments: each would be NaN, or worse, a NaN read
    // as "zero" by a rank or degeneracy test and reported with a wrong reason.
    out.nullAll(keys, MOMENTS_OVERFLOW);
    return finish(out, keys, diagnostics);
  }

  // ---------------------------------------------------------------- layer chain (no data pass)
  const wantDeep = inp.depth > 0 && out.want(...DEEP_KEYS);
  const layers = wantDeep ? await acc.deepChain(Mc, globalMean, classes) : null;

  // ---------------------------------------------------------------- pass 2 plan
  const wantPinv = out.want('nc1_pinv', 'nc1_trace_sw_invsb', 'nc1_pinv_mgu', 'nc1_svd_topk');
  const wantMgu = out.want('nc1_pinv_mgu');
  const wantLogits = W !== null && out.want('md_nc1_logits_pinv');
  const wantDeepNc1 = layers !== null && out.want('deep_nc1_pinv');
  const blocks: { name: string; rows: Rows }[] = [];
  if (wantPinv || wantDeepNc1) blocks.push({ name: 'Mc', rows: Mc });
  if (wantMgu) blocks.push({ name: 'delta', rows: [delta] });
  if (wantLogits && W) blocks.push({ name: 'W', rows: W });
  if (wantDeepNc1 && layers)
    layers.slice(1).forEach((L, i) => blocks.push({ name: `deep${i + 1}`, rows: L.R }));
  const offsets = new Map<string, number>();
  const projection: Rows = [];
  for (const blk of blocks) {
    offsets.set(blk.name, projection.length);
    projection.push(...blk.rows);
  }

  const wantTrainDec = out.want(
    'nc4_ncc_mismatch_train',
    'ncc_accuracy_train',
    'net_accuracy_train',
    'nc4_agreement_nobias_train',
    'md_ece15_train',
  );
  const wantTestDec = hasTest && out.want(...TEST_KEYS);
  const extras = W !== null && out.want('nc4_agreement_nobias_train', 'md_ece15_train');
  let decPlan: DecisionPlan | null = null;
  if (wantTrainDec || wantTestDec) {
    const netConst = W
      ? Float64Array.from(W, (w, c) => dotArr(w, ref) + (inp.b ? inp.b[c] : 0))
      : null;
    decPlan = {
      rel: mom.rel,
      W,
      netConst,
      nobiasConst: W ? Float64Array.from(W, (w) => dotArr(w, ref)) : null,
      nccConst: Float64Array.from(mom.rel, (m, c) => (counts[c] > 0 ? dotArr(m, m) : Infinity)),
      extras,
    };
  }
  const wantDist = out.want('md_class_dist_var', 'md_class_dist_std');
  const wantCleanStd = wantNoise && mom.noise !== null && out.want('md_uncorrupted_stds');
  const cleanRel =
    wantCleanStd && mom.noise
      ? Array.from({ length: K }, (_, c) => {
          const cnt = mom.noise!.pairCounts[c * K + c];
          return cnt > 0
            ? mom.noise!.pairRelSums[c * K + c].map((v) => v / cnt)
            : new Float64Array(d);
        })
      : null;
  const plan: Pass2Plan = {
    rel: mom.rel,
    projection: projection.length > 0 ? projection : null,
    sigmaW: out.want('sigma_w'),
    distances: wantDist,
    cleanRel,
    decisions: wantTrainDec ? decPlan : null,
  };
  const needPass2 =
    plan.projection !== null ||
    plan.sigmaW ||
    plan.distances ||
    plan.cleanRel !== null ||
    plan.decisions !== null;
  const p2 = needPass2 ? await acc.pass2(plan) : null;
  const testDec = wantTestDec && decPlan ? await acc.testDecisions(decPlan) : null;

  const block = (name: string, size: number): Rows | null => {
    const S = p2?.scatter;
    const o = offsets.get(name);
    if (!S || o === undefined) return null;
    return Array.from({ length: size }, (_, a) =>
      Float64Array.from({ length: size }, (_, b) => S[o + a][o + b] / N),
    );
  };

  // ---------------------------------------------------------------- statistics (d×d only on request)
  if (out.want('sigma_w')) {
    out.put(
      'sigma_w',
      p2?.sigmaW ? p2.sigmaW.map((r) => arr(r.map((v) => v / N))) : null,
      'within-class scatter not accumulated',
    );
  }
  if (out.want('sigma_b')) {
    const Sb = zeros(d, d);
    for (const m of Mc)
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) Sb[a][b] += (m[a] * m[b]) / Ke;
    out.put('sigma_b', Sb.map(arr));
  }

  // ---------------------------------------------------------------- NC1
  const G = gram(Mc);
  const A = block('Mc', Ke);
  const pinv: PinvResult = pinvProjected(G, A ?? zeros(Ke, Ke), rtol);
  diagnostics.sigmaBRank = pinv.rank;
  diagnostics.sigmaBSpectrum = pinv.spectrum;
  if (A) {
    out.put('nc1_pinv', pinv.value, 'Σ_B = 0: all class means coincide');
    out.put(
      'nc1_trace_sw_invsb',
      pinv.value === null ? null : Ke * pinv.value,
      'Σ_B = 0: all class means coincide',
    );
    if (d <= Ke - 1) out.put('nc1_svd_topk', null, 'scipy svds needs k = K-1 < d');
    else if (pinv.rank < Ke - 1) {
      out.put(
        'nc1_svd_topk',
        null,
        'rank(Σ_B) < K-1: the top-(K-1) inverse would invert a ~0 eigenvalue',
      );
    } else out.put('nc1_svd_topk', pinv.value);
  }
  if (wantMgu) {
    const S = block('Mc', Ke);
    const o = offsets.get('delta');
    if (S && o !== undefined && p2?.scatter) {
      // A^u = T B Tᵀ with B the scatter of [M̃; δ] and T = [I | 1] (M̃^u = M̃ + 1δᵀ)
      const oM = offsets.get('Mc')!;
      const idx = [...Array.from({ length: Ke }, (_, a) => oM + a), o];
      const B = idx.map((i) => Float64Array.from(idx, (j) => p2.scatter![i][j] / N));
      const T = Array.from({ length: Ke }, (_, a) =>
        Float64Array.from({ length: Ke + 1 }, (_, j) => (j === a || j === Ke ? 1 : 0)),
      );
      const pu = pinvProjected(gram(McU), congruence(T, B), rtol);
      out.put('nc1_pinv_mgu', pu.value, 'Σ_B (centred on the unweighted mean) = 0');
      diagnostics.sigmaBRankMgu = pu.rank;
    }
  }
  if (out.want('nc1_quotient'))
    out.put('nc1_quotient', traceSb > 0 ? traceSw / traceSb : null, 'tr Σ_B = 0');
  const scale = Math.max(...Mc.map((m) => norm(m)));
  if (out.want('nc1_cdnv')) {
    const r = cdnv(rel, classVar, scale, 1);
    out.put('nc1_cdnv', r.value, r.reason);
  }
  if (out.want('nc1_cdnv_exp2')) {
    const r = cdnv(rel, classVar, scale, 2);
    out.put('nc1_cdnv_exp2', r.value, r.reason);
  }

  // ---------------------------------------------------------------- NC2 / GNC2
  const etf = etfTarget(Ke);
  const id = identityTarget(Ke);
  const gm = rowGeometry(Mc);
  const zeroMean = 'a centred class mean is the zero vector: cosines undefined';
  out.put('nc2_equinorm_cov_means', equinormCov(gm), 'mean centred-mean norm is 0');
  out.put('nc2_equiangular_std_means', equiangularStd(gm), zeroMean);
  out.put('nc2_maxangle_means', maxAngle(gm, Ke), zeroMean);
  out.put('nc2_cos_mean_means', cosMean(gm), zeroMean);
  out.put(
    'nc2_equinorm_logvar_means',
    logNormVar(gm),
    'a centred class mean is the zero vector: log-norm is -infinity',
  );
  out.put('nc2_etf_error_means', serr(G, etf), 'M̃ = 0');
  out.put('nc2_etf_error_means_mgu', serr(gram(McU), etf), 'M̃ = 0');
  const Hbar = means;
  out.put('nc2_identity_error_means', serr(gram(Hbar), id), 'all class means are 0');
  if (
    out.want(
      'gnc2_log_kernel_mean',
      'gnc2_log_kernel_var',
      'gnc2_riesz_kernel_mean',
      'gnc2_riesz_kernel_var',
    )
  ) {
    const ks = kernelStats(gm, d);
    out.put('gnc2_log_kernel_mean', ks.logMean, ks.reason);
    out.put('gnc2_log_kernel_var', ks.logVar, ks.reason);
    out.put('gnc2_riesz_kernel_mean', ks.rieszMean, ks.rieszReason);
    out.put('gnc2_riesz_kernel_var', ks.rieszVar, ks.rieszReason);
  }
  const gw = We ? rowGeometry(We) : null;
  if (We && gw) {
    const zeroRow = 'a classifier row is the zero vector: cosines undefined';
    out.put('nc2_equinorm_cov_weights', equinormCov(gw), 'mean classifier-row norm is 0');
    out.put('nc2_equiangular_std_weights', equiangularStd(gw), zeroRow);
    out.put('nc2_maxangle_weights', maxAngle(gw, Ke), zeroRow);
    out.put('nc2_cos_mean_weights', cosMean(gw), zeroRow);
    out.put('nc2_etf_error_weights', serr(gram(We), etf), 'W = 0');
    out.put('nc2_identity_error_weights', serr(gram(We), id), 'W = 0');

    // ---------------------------------------------------------------- NC3 / UNC3
    const dc = normalisedDistance(We, Mc);
    out.put('nc3_self_duality_papyan', dc === null ? null : dc * dc, 'W = 0 or M̃ = 0');
    out.put('nc3_w_sub_h_centred', dc, 'W = 0 or M̃ = 0');
    out.put(
      'nc3_w_sub_h_uncentred',
      normalisedDistance(We, Hbar),
      'W = 0 or all class means are 0',
    );
    out.put(
      'nc3_duality_rownorm',
      dualityRownorm(gm, gw),
      'a centred class mean or classifier row is the zero vector',
    );
    out.put('nc3_wh_etf_error', serr(gram(We, Mc), etf), 'W M̃ᵀ = 0');
    out.put('nc3_wh_identity_error', serr(gram(We, Hbar), id), 'W H̄ᵀ = 0');
    const u = uniformDuality(We, Mc, gm, gw);
    out.put(
      'unc3_cos_mean',
      u.cosMean,
      'a centred class mean or classifier row is the zero vector',
    );
    out.put('unc3_cos_var', u.cosVar, 'a centred class mean or classifier row is the zero vector');
    out.put('unc3_dot_var', u.dotVar);
  }

  // ---------------------------------------------------------------- NC4 / bias / NC5
  if (p2?.decisions) {
    const r = decisionRates(p2.decisions, labels);
    out.put('nc4_ncc_mismatch_train', r.mismatch, NO_W);
    out.put('ncc_accuracy_train', r.nccAccuracy);
    out.put('net_accuracy_train', r.netAccuracy, NO_W);
    out.put('nc4_agreement_nobias_train', r.agreementNoBias, NO_W);
    if (p2.decisions.conf && p2.decisions.net) {
      out.put('md_ece15_train', ece15(p2.decisions.conf, p2.decisions.net, labels));
    }
  }
  if (testDec && inp.testLabels) {
    const r = decisionRates(testDec, inp.testLabels);
    out.put('nc4_ncc_mismatch_test', r.mismatch, NO_W);
    out.put('ncc_accuracy_test', r.nccAccuracy);
    out.put('net_accuracy_test', r.netAccuracy, NO_W);
  }
  if (W) {
    out.put('nc_bias_wmug_plus_b', biasRelation(W, inp.b, ref, gRel, 1));
    out.put('nc_bias_wmug_minus_b', biasRelation(W, inp.b, ref, gRel, -1));
  }
  if (inp.ood) {
    const o = oodOrthoDev(means, inp.ood);
    out.put('nc5_ood_orthodev', o.value, o.reason);
  }

  // ---------------------------------------------------------------- MD
  if (p2?.dist) {
    const s = classDistanceSpread(p2.dist, labels, classes, K);
    out.put('md_class_dist_var', s.variance);
    out.put('md_class_dist_std', s.std);
  }
  if (out.want('md_sigma_w_diag_kn')) {
    const s = sigmaWDiagKn(mom.m2, counts);
    out.put('md_sigma_w_diag_kn', s.value, s.reason);
  }
  if (wantLogits && W) {
    const Sw = block('W', W.length);
    if (Sw) {
      // logit space: Σ_W^z = W Σ_W Wᵀ, centred logit means Z̃ = M̃ Wᵀ
      const Zc = gram(Mc, W);
      const pz = pinvProjected(gram(Zc), congruence(Zc, Sw), rtol);
      out.put('md_nc1_logits_pinv', pz.value, 'Σ_B of the logits = 0');
      diagnostics.logitsSigmaBRank = pz.rank;
    }
  }
  if (wantNoise && mom.noise) {
    let cleanStd: number[] | null = null;
    if (p2?.cleanDist && inp.labelsOriginal) {
      const yo = inp.labelsOriginal;
      cleanStd = classDistanceSpread(
        p2.cleanDist,
        labels,
        classes,
        K,
        (i) => labels[i] === yo[i],
      ).std;
    }
    const m = labelNoiseMeasures(mom.noise, K, classes, ref, mom.rel, cleanStd);
    out.put('md_uncorrupted_means', m.uncorruptedMeans, m.uncorruptedReason);
    out.put('md_corrupted_means', m.corruptedMeans);
    out.put('md_uncorrupted_stds', m.uncorruptedStds, m.uncorruptedReason);
    out.put('md_corruption_bias', m.corruptionBias, m.biasReason);
  }

  // ---------------------------------------------------------------- GOF
  if (inp.gof && out.want(...GOF_KEYS)) {
    const g = gofMetrics(We, Hbar, n, N, inp.gof);
    out.put('gof_b', g.b);
    out.put('gof_x', g.x);
    out.put('gof_s', g.s);
    out.put('gof_nc2_w', g.nc2W, We ? g.reason : NO_W);
    out.put('gof_nc2_h', g.nc2H, g.reason);
    out.put('gof_nc3_wh', g.nc3WH, We ? g.reason : NO_W);
    out.put('gof_nc3_w_sub_h', g.nc3WSubH, We ? 'W = 0 or all class means are 0' : NO_W);
    out.put('gof_nc3_w_div_h', g.nc3WDivH, We ? 'a class mean is the zero vector' : NO_W);
  }

  // ---------------------------------------------------------------- deep
  if (layers) {
    const withinA = layers.map((L, l) => (l === 0 ? block('Mc', Ke) : block(`deep${l}`, Ke)));
    const dm = deepMetrics(layers, withinA, rtol);
    diagnostics.deepSigmaBRanks = dm.ranks;
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
  }

  // ---------------------------------------------------------------- reasons for what the input lacks
  if (!W) {
    out.nullAll(
      keys.filter(
        (k) =>
          k.endsWith('_weights') ||
          k.startsWith('nc3_') ||
          k.startsWith('unc3_') ||
          k.startsWith('nc_bias_') ||
          k.startsWith('net_accuracy') ||
          k.startsWith('nc4_') ||
          k === 'md_nc1_logits_pinv' ||
          k === 'md_ece15_train',
      ),
      NO_W,
    );
  }
  if (!hasTest) out.nullAll(TEST_KEYS, 'no test features / labels given');
  if (!inp.ood) out.nullAll(['nc5_ood_orthodev'], 'no OoD global mean given');
  if (!hasNoise)
    out.nullAll(
      LABEL_NOISE_KEYS,
      'no label-corruption information (labelsOriginal absent or equal to labels)',
    );
  if (!inp.gof) out.nullAll(GOF_KEYS, 'no gof hyper-parameters given');
  if (inp.depth === 0) out.nullAll(DEEP_KEYS, 'no linear-layer stack given');
  out.nullAll(keys, 'not computed for this input');
  return finish(out, keys, diagnostics);
}

/** values and reasons in spec key order (stable JSON output) */
function finish(
  out: Sink,
  keys: MetricKey[],
  diagnostics: MetricsResult['diagnostics'],
): MetricsResult {
  const values: MetricsResult['values'] = {};
  const undefinedReasons: MetricsResult['undefinedReasons'] = {};
  for (const k of keys) {
    if (k in out.values) values[k] = out.values[k];
    if (k in out.undefinedReasons) undefinedReasons[k] = out.undefinedReasons[k];
  }
  return { values, undefinedReasons, diagnostics };
}

function dotArr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
