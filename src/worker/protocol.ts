import type { ExportFile } from '../engine/nets/featureExport';
import type { BackendInfo, BackendRequest } from '../engine/core/backend';
import type { NetConfig } from '../engine/config/schema';
import type { StoredSummary } from '../engine/data';
import type {
  SweepMemberRun,
  SweepProgress,
  SweepRequest,
  SweepResult,
} from '../engine/grid/sweepRunner';
import type { GridMemberResult, GridProgress, GridRunResult } from '../engine/grid/runner';
import type { SearchResult, SearchTrial } from '../engine/search/protocol';
import type { DatasetName } from '../engine/data/types';
import type { CachedDatasetInfo } from './datasetCache';
import type { ImportedDataset } from './datasets';
import type { ExperimentConfig } from '../engine/config/schema';
import type { UfmBenchRow } from '../engine/bench/ufmBench';
import type { NetBenchRow } from '../engine/bench/netBench';
import type { Report, RunStatus } from '../engine/session/types';
import type { RunResult } from '../engine/run/result';
import type { UfmInitState } from '../engine/ufm/initState';
import type { Checkpoint } from '../engine/session/checkpoint';

/** How a run is loaded besides its config: continued from a checkpoint, checkpointed every k reports. */
export interface LoadOptions {
  resumeFrom?: Checkpoint;
  /** Reports between checkpoints sent to the page (0: none). */
  checkpointEvery?: number;
}
import type {
  FeatureFile,
  FeatureMeasurement,
  MeasureFeaturesOptions,
  MeasureProgress,
} from '../engine/features/measure';

/** Events the training worker pushes to the page. */
export type WorkerEvent =
  | { type: 'backend'; info: BackendInfo }
  | { type: 'report'; report: Report }
  | { type: 'checkpoint'; checkpoint: Checkpoint }
  | { type: 'status'; status: RunStatus; message: string | null; step: number }
  | { type: 'progress'; fraction: number; message: string }
  | { type: 'error'; message: string }
  /** The worker itself failed (its script or a module did not load, or it threw uncaught). */
  | { type: 'crash'; reason: string };

/** The worker's API, exposed with comlink. Every method resolves once the worker has acted. */
export interface LabWorkerApi {
  subscribe(listener: (event: WorkerEvent) => void): void;
  /** Initialise tfjs on the requested backend (falls back webgpu → webgl → wasm → cpu). */
  initBackend(request: BackendRequest): Promise<BackendInfo>;
  /** Build a run from a config (and optionally a saved state); it waits for start or step. */
  load(config: ExperimentConfig, init?: UfmInitState, options?: LoadOptions): Promise<Report>;
  start(): Promise<void>;
  pause(): Promise<void>;
  /** Pause by itself exactly at this optimiser step (null clears it). */
  pauseAt(step: number | null): Promise<void>;
  resume(): Promise<void>;
  stepOnce(): Promise<void>;
  stop(): Promise<void>;
  result(): Promise<RunResult | null>;
  snapshot(): Promise<UfmInitState | null>;
  /** A network run's features of head layer j, labels and classifier as .npy files (else null). */
  exportFeatures(headLayer: number): Promise<ExportFile[] | null>;
  /** The current run's exact state ("Save state"); null when its kind cannot be checkpointed. */
  checkpoint(): Promise<Checkpoint | null>;
  /** `npm run bench`: time the preset sizes on one backend (stops any run first). */
  benchmark(
    presetIds: string[],
    backend: BackendRequest,
    budgetSeconds: number,
  ): Promise<UfmBenchRow[]>;
  /**
   * Metrics and geometry of the researcher's own feature files (features + labels [+ W, b] or
   * a metric_vectors.json-style case file), on the worker's backend (initialised with
   * `backend` when none is yet). Leaves any run alone; rejects naming the file and the problem.
   */
  measureFeatures(
    files: FeatureFile[],
    options: MeasureFeaturesOptions & { backend?: BackendRequest },
    onProgress?: (progress: MeasureProgress) => void,
  ): Promise<FeatureMeasurement>;
  /** `npm run bench`: network training throughput of the given cases on one backend. */
  benchmarkNets(ids: string[], backend: BackendRequest): Promise<NetBenchRow[]>;
  /** seed 002's noise sweep from a base network config (stops any run first). */
  runSweep(
    base: NetConfig,
    request: SweepRequest,
    onProgress?: (progress: SweepProgress) => void,
    onRunDone?: (run: SweepMemberRun) => void,
  ): Promise<SweepResult>;
  /** Stop a running sweep after its current run. */
  stopSweep(): Promise<void>;
  /**
   * Run a grid spec's members one after another (stops any run first); members in `completed`
   * (by id) are kept and not run again. `onMemberDone` sees each member as it finishes.
   */
  runGrid(
    spec: unknown,
    completed?: GridMemberResult[],
    onProgress?: (progress: GridProgress) => void,
    onMemberDone?: (member: GridMemberResult) => void,
  ): Promise<GridRunResult>;
  pauseGrid(): Promise<void>;
  resumeGrid(): Promise<void>;
  /** Cancel the grid: its current member is dropped, finished ones are returned. */
  stopGrid(): Promise<void>;
  /** A hyper-parameter search by seed 002's protocol (stops any run first). */
  runSearch(
    spec: unknown,
    onTrial?: (trial: SearchTrial, best: SearchTrial | null) => void,
  ): Promise<SearchResult>;
  /** Stop the search after its current trial (no retrain). */
  stopSearch(): Promise<void>;
  /** Parse the user's dataset files (streamed from the File objects) into the IndexedDB cache. */
  importDataset(
    files: File[],
    onProgress?: (fraction: number, message: string) => void,
  ): Promise<ImportedDataset>;
  listDatasets(): Promise<CachedDatasetInfo[]>;
  deleteDataset(key: string): Promise<void>;
  clearDatasets(): Promise<void>;
  /** Counts per class and split note of an embedded or cached dataset. */
  describeDataset(name: StoredDatasetName): Promise<StoredSummary>;
}

export type StoredDatasetName = Exclude<DatasetName, 'gaussian'>;
