// The contract of a metric family: report keys computed from the same quantities, what they need
// from the passes over the features, and how they finish (values and null reasons). The pipeline
// plans the passes from the families' needs and then lets each family finish.
import type { MetricKey } from '../keys';
import type { Rows } from '../../core/linalg';
import type { PinvResult } from '../nc1';
import type { RowGeometry } from '../nc2';
import type { KeySink } from '../sink';
import type {
  ClassMoments,
  Decisions,
  DeepLayer,
  GofParams,
  MetricsDiagnostics,
  Pass2Out,
} from '../types';

export const NO_W = 'no classifier W given';

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

/** What the input carries, known before any pass over the features. */
export interface InputFacts {
  K: number;
  hasW: boolean;
  hasTest: boolean;
  /** labelsOriginal given and different from labels somewhere */
  hasNoise: boolean;
  hasLayers: boolean;
}

/**
 * Row blocks of the projection R whose within-class matrix R Σ_W Rᵀ pass 2 accumulates (K×K
 * sized, never d×d): the centred class means M̃, the shift δ between the weighted and the
 * unweighted global mean, all K classifier rows, and each deeper layer's M̃_l T_l.
 */
export type Projection = 'Mc' | 'delta' | 'W' | 'layers';

/** What a family's requested keys need from the passes (absent = not needed). */
export interface Needs {
  /** pass 1: feature sums per (observed, original) label pair */
  noiseSums?: boolean;
  /** the class means carried through the linear stack (host algebra, no data pass) */
  layerChain?: boolean;
  /** pass 2: within-class matrices over these projections */
  projections?: readonly Projection[];
  /** pass 2: the d×d within-class scatter */
  withinScatter?: boolean;
  /** pass 2: each sample's distance to its class mean */
  distances?: boolean;
  /** pass 2: each sample's distance to the mean of its class's uncorrupted samples */
  cleanDistances?: boolean;
  /** pass 2: network, nearest-class-centre (and bias-free) decisions on the training features */
  trainDecisions?: boolean;
  /** the bias-free argmax and the softmax confidence beside the network's decisions */
  decisionExtras?: boolean;
  /** a pass over the test features: network and nearest-class-centre decisions */
  testDecisions?: boolean;
}

/**
 * Class statistics derived once from pass 1, restricted to the K_eff non-empty classes (the
 * geometry's classes). The methods compute on first use and are shared by the families.
 */
export interface ClassStats {
  N: number;
  d: number;
  /** the non-empty classes, ascending, and their counts */
  classes: number[];
  n: number[];
  Ke: number;
  /** reference point r of the accumulation (pass 1) */
  ref: Float64Array;
  /** μ_c − r */
  rel: Rows;
  /** weighted and unweighted global means − r */
  gRel: Float64Array;
  gRelU: Float64Array;
  /** centred class means M̃ (on the weighted global mean) and M̃ᵘ (on the unweighted one) */
  Mc: Rows;
  McU: Rows;
  /** gRel − gRelU (M̃ᵘ = M̃ + 1δᵀ) */
  delta: Float64Array;
  /** uncentred class means H̄ and the global mean μ_G */
  means: Rows;
  globalMean: Float64Array;
  /** per-class Tr Σ_W^c, and Tr Σ_W, Tr Σ_B */
  classVar: number[];
  traceSw: number;
  traceSb: number;
  /** classifier rows of the non-empty classes */
  We: Rows | null;
  /** M̃M̃ᵀ */
  gramMc(): Rows;
  /** M̃ᵘM̃ᵘᵀ */
  gramMcU(): Rows;
  meanGeometry(): RowGeometry;
  weightGeometry(): RowGeometry | null;
  /** K_eff×K_eff simplex-ETF and identity targets */
  etf(): Rows;
  identity(): Rows;
}

/** Names of the row blocks in pass 2's projection: deeper layers are deep1 … deep(M−1). */
export type ProjectionRows = Exclude<Projection, 'layers'> | `deep${number}`;

/** Everything a family finishes from. */
export interface FamilyContext {
  input: PipelineInput;
  facts: InputFacts;
  moments: ClassMoments;
  stats: ClassStats;
  /** the linear stack's per-layer quantities, when a family needed the layer chain */
  layers: DeepLayer[] | null;
  pass2: Pass2Out | null;
  testDecisions: Decisions | null;
  /** R Σ_W Rᵀ over the rows of these blocks (scatter / N), or null when not accumulated */
  within(...blocks: ProjectionRows[]): Rows | null;
  /** the pseudo-inverse NC1 on Σ_B (computed once: NC1 and the diagnostics share it) */
  sigmaBPinv(): PinvResult;
  diagnostics: MetricsDiagnostics;
}

export interface MetricFamily {
  name: string;
  /** the report keys this family computes and explains (each key has exactly one family) */
  keys: readonly MetricKey[];
  /**
   * true for the pass-1 statistics: they finish before the checks that stop the geometry (fewer
   * than 2 non-empty classes, overflowed moments) and are reported even then
   */
  beforeChecks?: boolean;
  /** what the requested keys need; `want` tells which of the family's keys are requested */
  needs(want: (...keys: MetricKey[]) => boolean, facts: InputFacts): Needs;
  /** values of the requested keys, and a reason for each null (also when the input lacks W …) */
  finish(ctx: FamilyContext, out: KeySink): void;
}
