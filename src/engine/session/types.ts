import type { MetricValue } from '../metrics';
import type { ReportMetrics } from '../metrics/reportKeys';
import type { Mat } from '../core/linalg';

/** A report's values by key (the registry in metrics/reportKeys.ts lists every key). */
export type MetricsRecord = ReportMetrics<MetricValue>;

/** Why a metric is null (undefined for this state), by key. */
export type UndefinedReasons = ReportMetrics<string>;

export interface HistoryEntry {
  step: number;
  metrics: MetricsRecord;
}

export const RUN_STATUS_VALUES = [
  'idle',
  'running',
  'paused',
  'completed',
  'stopped',
  'diverged',
  'failed',
] as const;
export type RunStatus = (typeof RUN_STATUS_VALUES)[number];

/** What the panels need to know of a run, whatever its kind. */
export interface RunShape {
  K: number;
  /** Linear layers M of the (deep linear) head: per-depth metrics have M entries. */
  depth: number;
  bias: boolean;
  /** A UFM trained with cross-entropy: its optimum is a simplex ETF with or without a bias. */
  crossEntropy?: boolean;
  /** Training samples per class. */
  classSizes: number[];
  /** The x axis: optimiser steps (UFM) or epochs (networks), `stepsPerUnit` steps each. */
  unit: 'step' | 'epoch';
  stepsPerUnit: number;
}

/** One read-back of a running experiment, every `reportEvery` steps. */
export interface Report {
  step: number;
  totalSteps: number;
  shape: RunShape;
  metrics: MetricsRecord;
  undefinedReasons: UndefinedReasons;
  geometry: ClassGeometry;
  timing: Timing;
  numTensors: number;
  /** tfjs memory at the report (filled by the runner): all tensors, and on the GPU where known. */
  memory?: MemoryUse;
  /** Low-dimensional features of some training samples (networks with p ≤ 3), for a scatter. */
  samples?: SampleCloud;
  /** The twin of a paired run (same weights and labels, another loss); its metrics are `twin.*`. */
  twin?: { loss: string; geometry: ClassGeometry; samples?: SampleCloud };
}

export interface SampleCloud {
  /** rows × p raw penultimate coordinates (p ≤ 3). */
  points: number[][];
  labels: number[];
  /** Labels before noise: a point is corrupted where they differ. */
  originalLabels: number[];
}

export interface MemoryUse {
  bytes: number;
  /** Bytes in GPU buffers or textures (webgpu, webgl); null on cpu and wasm. */
  gpuBytes: number | null;
  /** Bytes the GPU backend holds, pooled buffers included (webgpu). */
  gpuAllocatedBytes: number | null;
}

export interface Timing {
  /** Wall time spent in optimiser steps and in measurement, ms. */
  trainMs: number;
  measureMs: number;
  stepsPerSecond: number;
}

/** Where a diverged or failed run broke, and the last finite state it keeps (its last report). */
export interface Breakdown {
  /** The first step whose loss was non-finite (or whose measurement failed). */
  step: number;
  lastFiniteStep: number;
  lastFiniteLoss: number | null;
}

/**
 * What the geometry panels draw, computed in the engine (the UI never computes metrics): Gram
 * heatmaps, per-class lengths, and a 3-D view of class means and classifier rows.
 */
export interface ClassGeometry {
  /** Means centred on the sample-weighted global mean when the model has a bias (ETF frame). */
  centred: boolean;
  /** W Wᵀ / ‖W Wᵀ‖_F and H̄ H̄ᵀ / ‖H̄ H̄ᵀ‖_F (K×K). */
  gramW: Mat | null;
  gramH: Mat | null;
  productSingularValues: number[];
  /** ‖w_k‖ = √(W Wᵀ)_kk: the per-class singular value at a general orthogonal frame. */
  classifierRowNorms: number[];
  classMeanNorms: number[];
  /** diag(W H̄ᵀ): each class's output on its own mean (bias excluded). */
  whDiag: number[];
  bias: number[] | null;
  view3d: View3d;
}

export interface View3d {
  basis: 'raw' | 'pca';
  /** Share of the means' energy the three axes keep (1 for raw coordinates). */
  explained: number;
  means: number[][];
  classifier: number[][];
  /**
   * Some training samples' features in the means' coordinates (centred and projected as they
   * are), so the view shows each class's cloud collapse onto its mean (NC1). Absent where the
   * features are too large to read back at every report.
   */
  samples?: { points: number[][]; labels: number[] };
}

/** Training samples as the 3-D view takes them: raw feature rows, flat, and their labels. */
export interface ViewSamples {
  /** rows × dim numbers, row after row */
  values: ArrayLike<number>;
  dim: number;
  labels: number[];
}
