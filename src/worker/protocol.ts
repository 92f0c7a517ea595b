import type { ThreadChoice } from '../engine/run/wasmThreads';
import type { ExportFile } from '../engine/nets/featureExport';
import type { BackendInfo, BackendRequest } from '../engine/core/backend';
import type { TunedShape } from '../engine/core/heapTuner';
import type { NetConfig } from '../engine/config/schema';
import type { StoredSummary } from '../engine/data';
import type {
  SweepMemberRun,
  SweepProgress,
  SweepRequest,
  SweepResult,
} from '../engine/grid/sweepRunner';
import type { GridMemberResult, GridProgress, GridRunResult } from '../engine/grid/runner';
import type { SearchResult, SearchResume, SearchTrial } from '../engine/search/protocol';
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
import type { CheckpointEvery } from '../engine/runs/checkpointSchedule';

/** How a run is loaded besides its config: continued from a checkpoint, checkpointed every k reports. */
export interface LoadOptions {
  resumeFrom?: Checkpoint;
  /** Reports between checkpoints sent to the page (0: none; 'auto': sized by the state). */
  checkpointEvery?: CheckpointEvery;
}
import type {
  FeatureFile,
  FeatureMeasurement,
  MeasureFeaturesOptions,
  MeasureProgress,
} from '../engine/features/measure';

/**
 * Events the training worker pushes to the page. Each carries the id of the job it belongs to
 * (a run, sweep, grid, search or benchmark): the page gives the id with the command that starts
 * the job and drops every event of an earlier one, however late it arrives.
 */
export type WorkerEvent =
  | { type: 'backend'; runId: number; info: BackendInfo }
  | { type: 'report'; runId: number; report: Report }
  | { type: 'checkpoint'; runId: number; checkpoint: Checkpoint }
  | { type: 'status'; runId: number; status: RunStatus; message: string | null; step: number }
  | { type: 'progress'; runId: number; fraction: number; message: string }
  | { type: 'error'; runId: number; message: string }
  /** The GPU device was lost: the run stopped, the worker lives on (its backend starts again). */
  | { type: 'device-lost'; runId: number; reason: string; message: string };

/** Why the worker itself stopped (seen by the page's side of the connection, not sent by it). */
export type WorkerCrash =
  /** A module worker whose script or imports fail to load fires an error event with no message. */
  | { kind: 'load-failed' }
  /** It threw and nothing caught it. */
  | { kind: 'uncaught'; message: string }
  /** A message from it could not be deserialised. */
  | { kind: 'unreadable-message' };

/** What the connection hands the page: the worker's events, and its crash. */
export type ConnectionEvent = WorkerEvent | { type: 'crash'; crash: WorkerCrash };

/** The worker's API, exposed with comlink. Every method resolves once the worker has acted. */
export interface LabWorkerApi {
  /** Events arrive in order, reports in batches (eventBatch.ts). */
  subscribe(listener: (events: WorkerEvent[]) => void): void;
  /**
   * Initialise tfjs on the requested backend (falls back webgpu → webgl → wasm → cpu); its
   * events carry `runId`, the job that asked.
   */
  initBackend(request: BackendRequest, runId: number): Promise<BackendInfo>;
  /**
   * The wasm backend's threads from the next job on: 'auto' chooses by the job's size
   * (src/engine/run/wasmThreads.ts), a number fixes them. No effect on other backends.
   */
  setThreads(choice: ThreadChoice): Promise<void>;
  /**
   * With wasm's thread pool, which product shapes the heap tuner timed and what it chose for
   * each (src/engine/core/heapTuner.ts); empty on one thread.
   */
  tunedShapes(): Promise<TunedShape[]>;
  /**
   * Build run `runId` from a config (and optionally a saved state), replacing the one held; it
   * waits for start or step. Its events carry `runId`.
   */
  load(
    runId: number,
    config: ExperimentConfig,
    init?: UfmInitState,
    options?: LoadOptions,
  ): Promise<Report>;
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
    runId: number,
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
  benchmarkNets(runId: number, ids: string[], backend: BackendRequest): Promise<NetBenchRow[]>;
  /** seed 002's noise sweep from a base network config (stops any run first). */
  runSweep(
    runId: number,
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
    runId: number,
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
    runId: number,
    spec: unknown,
    onTrial?: (trial: SearchTrial, best: SearchTrial | null) => void,
    resume?: SearchResume,
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
