// Public input/output types of the metrics module and the internal contract between the
// accumulation back ends (host float64 / tfjs device) and the host finalisation.
import type * as tf from '@tensorflow/tfjs-core';
import type { MetricKey } from './keys';
import type { Rows } from '../core/linalg';

export type MetricValue =
  | number
  | number[]
  | (number | null)[]
  | (number[] | null)[]
  | (number[] | null)[][]
  | number[][]
  | null;

export interface GofParams {
  lambdaW: number;
  lambdaH: number;
  /** number of linear layers M of the head */
  depth: number;
}

export interface MetricsInput {
  /** classes, labels in 0..K-1 */
  K: number;
  /** N×d float32 train features (any backend) */
  features: tf.Tensor2D;
  /** length N (observed labels) */
  labels: Int32Array;
  /** K×d classifier; for a linear stack, the product W_M⋯W_1 */
  W?: tf.Tensor2D | number[][] | null;
  b?: number[] | null;
  testFeatures?: tf.Tensor2D | null;
  testLabels?: Int32Array | null;
  /** original (clean) labels, for md_* label-noise measures */
  labelsOriginal?: Int32Array | null;
  /** global mean of OoD features, for nc5 */
  oodGlobalMean?: number[] | null;
  /** W_1..W_M (each out×in) of a bias-free linear stack applied to `features` (deep_* arrays) */
  layers?: tf.Tensor2D[] | null;
  gof?: GofParams | null;
  /** streaming batch size in rows (default 4096) */
  batchSize?: number;
  /** pinv rank threshold on eigenvalues relative to the largest (1e-6; docs/metrics.md §5.5) */
  pinvRtol?: number;
}

/** Row-major dense matrix (e.g. read from a .npy file). */
export interface DenseMatrix {
  rows: number;
  cols: number;
  data: ArrayLike<number>;
}

export type HostMatrix = ArrayLike<ArrayLike<number>> | DenseMatrix;

/** Same as MetricsInput with plain host arrays; everything is computed in float64. */
export interface ArrayMetricsInput {
  K: number;
  features: HostMatrix;
  labels: ArrayLike<number>;
  W?: HostMatrix | null;
  b?: ArrayLike<number> | null;
  testFeatures?: HostMatrix | null;
  testLabels?: ArrayLike<number> | null;
  labelsOriginal?: ArrayLike<number> | null;
  oodGlobalMean?: ArrayLike<number> | null;
  layers?: HostMatrix[] | null;
  gof?: GofParams | null;
  pinvRtol?: number;
}

export interface MetricsDiagnostics {
  /** rank of Σ_B kept by the pseudo-inverse (eigenvalues > rtol·λ_max) */
  sigmaBRank: number;
  /** n_c for all K declared classes (0 = empty class, excluded from the metrics) */
  counts: number[];
  [k: string]: unknown;
}

export interface MetricsResult {
  /** null = undefined for this input */
  values: Partial<Record<MetricKey, MetricValue>>;
  /** why each null is null */
  undefinedReasons: Partial<Record<MetricKey, string>>;
  diagnostics: MetricsDiagnostics;
}

// ---------------------------------------------------------------------------------------------
// Internal contract between accumulation (host or device) and finalisation.

/** Pass 1: per-class first and second moments about a reference point r (docs/metrics.md §5.3). */
export interface ClassMoments {
  N: number;
  d: number;
  counts: number[];
  /** reference point r (the float32 mean of the first batch on the device) */
  ref: Float64Array;
  /** K rows μ_c − r (zero rows for empty classes) */
  rel: Rows;
  /** K rows: per-coordinate within-class sums of squares Σ_{i∈c} (h_ij − μ_cj)² */
  m2: Rows;
  /** label-noise sums keyed by y·K + y_orig (only when requested) */
  noise: { pairCounts: number[]; pairRelSums: Rows } | null;
  batches: number;
}

/** What pass 2 has to accumulate (everything needs the final means). */
export interface Pass2Plan {
  /** K rows μ_c − r (final) */
  rel: Rows;
  /** R (rows × d): accumulate S = Σ_i (R D_i)(R D_i)ᵀ with D_i = h_i − μ_{y_i} */
  projection: Rows | null;
  /** accumulate the d×d within-class scatter Σ_i D_i D_iᵀ (only when sigma_w is asked for) */
  sigmaW: boolean;
  /** per-sample distances ‖h_i − μ_{y_i}‖ */
  distances: boolean;
  /** K rows of clean-sample means − r: per-sample distance to the clean mean of its class */
  cleanRel: Rows | null;
  decisions: DecisionPlan | null;
}

export interface DecisionPlan {
  /** K rows μ_c − r (train means, also for test decisions) */
  rel: Rows;
  /** all K rows of W, or null (then only NCC decisions) */
  W: Rows | null;
  /** W r + b (float64, so shifted logits are W(h − r) + netConst) */
  netConst: Float64Array | null;
  /** W r (bias-free logits) */
  nobiasConst: Float64Array | null;
  /** per class: ‖μ_c − r‖² (Infinity for empty classes, which NCC never picks) */
  nccConst: Float64Array;
  /** also compute bias-free argmax and softmax confidence */
  extras: boolean;
}

export interface Decisions {
  net: Int32Array | null;
  nobias: Int32Array | null;
  ncc: Int32Array;
  conf: Float64Array | null;
}

export interface Pass2Out {
  scatter: Rows | null;
  sigmaW: Rows | null;
  dist: Float64Array | null;
  cleanDist: Float64Array | null;
  decisions: Decisions | null;
}

/** Layer l of a bias-free linear stack, restricted to the non-empty classes. */
export interface DeepLayer {
  /** effective classifier E_l = W_M⋯W_{l+1} (K_eff × d_l) */
  E: Rows;
  /** centred class means of H_l (K_eff × d_l) */
  Mc: Rows;
  /** global mean of H_l */
  g: Float64Array;
  /** projection rows M̃_l T_l (K_eff × d) for the K×K within-class matrix of layer l */
  R: Rows;
}

/** One accumulation back end (host float64 or tfjs device); pass1 fixes the reference r. */
export interface Accumulator {
  readonly N: number;
  readonly d: number;
  pass1(withNoise: boolean): Promise<ClassMoments>;
  /** per-layer quantities for l = 0..M-1 given layer-0 centred means and global mean */
  deepChain(Mc: Rows, g: Float64Array, classes: number[]): Promise<DeepLayer[]>;
  pass2(plan: Pass2Plan): Promise<Pass2Out>;
  testDecisions(plan: DecisionPlan): Promise<Decisions | null>;
  dispose(): void;
}
