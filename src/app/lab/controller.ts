import type { ThreadChoice } from '../../engine/run/wasmThreads';
import type { BackendInfo, BackendRequest } from '../../engine/core/backend';
import type { TunedShape } from '../../engine/core/heapTuner';
import type { NetBenchRow } from '../../engine/bench/netBench';
import type { UfmBenchRow } from '../../engine/bench/ufmBench';
import type { ExperimentConfig, NetConfig } from '../../engine/config/schema';
import type { StoredSummary } from '../../engine/data';
import type {
  FeatureFile,
  FeatureMeasurement,
  MeasureFeaturesOptions,
  MeasureProgress,
} from '../../engine/features/measure';
import type { GridMemberResult, GridProgress, GridRunResult } from '../../engine/grid/runner';
import type {
  SweepMemberRun,
  SweepProgress,
  SweepRequest,
  SweepResult,
} from '../../engine/grid/sweepRunner';
import type { ExportFile } from '../../engine/nets/featureExport';
import type { Checkpoint } from '../../engine/session/checkpoint';
import type { SearchResult, SearchResume, SearchTrial } from '../../engine/search/protocol';
import type { RunResult } from '../../engine/run/result';
import type { HistoryEntry, Report, RunStatus } from '../../engine/session/types';
import type { UfmInitState } from '../../engine/ufm/initState';
import type { Connect, WorkerConnection } from '../../worker/connection';
import type { CachedDatasetInfo } from '../../worker/datasetCache';
import type { ImportedDataset } from '../../worker/datasets';
import type {
  ConnectionEvent,
  LabWorkerApi,
  StoredDatasetName,
  WorkerCrash,
} from '../../worker/protocol';
import { DEFAULT_CHECKPOINT_EVERY, runRecorder } from '../runs/recorder';
import { claimRun, heldElsewhereMessage, releaseRun } from '../runs/runLocks';
import { runLibrary } from '../runs/runsStore';
import { configPending, formValid, labActions, summariseTuning, useLab } from '../store';
import { CommandQueue } from './commandQueue';
import { backendTimeoutMessage, describeRun, errorText } from './messages';
import { RunEvents, TERMINAL } from './runEvents';

export interface ControllerOptions {
  /** How a worker is started and reached (a fake one in unit tests). */
  connect: Connect;
  /**
   * How long a running worker gets to settle ("pause, finish the slice, stop") before a reload
   * replaces the worker instead.
   */
  settleGraceMs?: number;
  /** A backend that has not initialised by then is reported as stuck (the worker is replaced). */
  backendTimeoutMs?: number;
}

export const SETTLE_GRACE_MS = 2000;
export const BACKEND_INIT_TIMEOUT_MS = 60_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Hooks for whoever keeps runs (the run library): each noise-sweep run as it finishes. */
export const sweepHooks: { runDone: ((run: SweepMemberRun) => void)[] } = { runDone: [] };

/**
 * The page's side of the training worker: every command goes through a queue, each job (a run,
 * sweep, grid, search or benchmark) gets a run id that the worker puts on its events, and
 * events of any earlier id are dropped, however late they arrive. Events of the current run go
 * to the store through RunEvents. A crashed worker fails the run it held; the next command
 * starts a fresh one (the connection, `worker/connection.ts`, does the starting and noticing).
 */
export class LabController {
  private connection: WorkerConnection | null = null;
  /** Identity of the current connection: events of a replaced one are dropped. */
  private connectionId = 0;
  /** The job whose events the page shows; the worker gets it with the command. */
  private runId = 0;
  private readonly queue = new CommandQueue();
  private readonly events: RunEvents;
  private waiters: ((status: RunStatus) => void)[] = [];
  /** The saved state the current run started from (Reset returns to it). */
  private init: UfmInitState | undefined;
  private firstLoad: Promise<unknown> | null = null;
  /** The last ended run's write to the run library (runToEnd answers once it is kept). */
  private recorded: Promise<unknown> = Promise.resolve();
  /** Who started the next load ('ncLab' for window.ncLab.run) and whether it is kept. */
  private nextSource: { source: 'page' | 'ncLab'; keep: boolean } = { source: 'page', keep: true };
  private readonly connect: Connect;
  private readonly settleGraceMs: number;
  private readonly backendTimeoutMs: number;

  constructor(options: ControllerOptions) {
    this.connect = options.connect;
    this.settleGraceMs = options.settleGraceMs ?? SETTLE_GRACE_MS;
    this.backendTimeoutMs = options.backendTimeoutMs ?? BACKEND_INIT_TIMEOUT_MS;
    this.events = new RunEvents({
      ended: (status) => {
        this.settleWaiters(status);
        void this.refreshTuning();
      },
      recordResult: () => {
        this.recorded = this.call((api) => api.result())
          .then((result) => result && runRecorder.finish(result))
          .catch(() => undefined);
      },
    });
  }

  /** The id the worker's events must carry to reach the page now. */
  get currentRunId(): number {
    return this.runId;
  }

  /** Resolves once the first load (backend initialised) has finished, successfully or not. */
  ready(): Promise<unknown> {
    return this.firstLoad ?? Promise.resolve();
  }

  // --- the run on screen -----------------------------------------------------------------

  /** Replace the worker's run with a fresh one from `config` (and a saved state, if given). */
  load(config: ExperimentConfig, init?: UfmInitState): Promise<Report | null> {
    const p = this.queue.enqueue(() => this.doLoad(config, init));
    this.firstLoad ??= p.catch(() => undefined);
    return p;
  }

  /** Start (or resume) the run; pressed while the run is being built, it waits for it. */
  start(): Promise<void> {
    if (useLab.getState().busy !== null) useLab.setState({ startQueued: true });
    const started = this.queue.enqueue(async () => {
      const s = useLab.getState();
      if (s.status === 'running') return;
      if (s.status === 'paused') return this.call((api) => api.resume());
      if (!(await this.ensureFresh())) return;
      useLab.setState({ startQueued: false });
      await this.call((api) => api.start());
    });
    return started.finally(() => useLab.setState({ startQueued: false }));
  }

  pause(): Promise<void> {
    return this.queue.enqueue(() => this.call((api) => api.pause()));
  }

  /** Teaching mode's pause points: the worker pauses exactly at this optimiser step. */
  pauseAt(step: number | null): Promise<void> {
    return this.queue.enqueue(() => this.call((api) => api.pauseAt(step)));
  }

  resume(): Promise<void> {
    return this.queue.enqueue(() => this.call((api) => api.resume()));
  }

  stop(): Promise<void> {
    return this.queue.enqueue(() => this.call((api) => api.stop()));
  }

  step(): Promise<void> {
    return this.queue.enqueue(async () => {
      if (!(await this.ensureFresh())) return;
      const status = useLab.getState().status;
      if (status !== 'idle' && status !== 'paused') return;
      await this.call((api) => api.stepOnce());
    });
  }

  /** Fresh init of the same run: from the seed, or from the saved state it was loaded from. */
  reset(): Promise<Report | null> {
    const s = useLab.getState();
    const sameRun = !configPending(s);
    return this.queue.enqueue(() => this.doLoad(s.config, sameRun ? this.init : undefined));
  }

  /** Toggle used by the space key: start, pause or resume. */
  toggle(): Promise<void> {
    const status = useLab.getState().status;
    if (status === 'running') return this.pause();
    if (status === 'paused') return this.resume();
    return this.start();
  }

  result(): Promise<RunResult | null> {
    return this.queue.enqueue(() => this.call((api) => api.result()));
  }

  /** The current run's exact state, for "Save state" (null when its kind has none). */
  checkpointNow(): Promise<Checkpoint | null> {
    return this.call((api) => api.checkpoint());
  }

  /**
   * Continue a kept run from its latest checkpoint: the panels get its history up to there, the
   * worker its state, and the kept record goes on being written. Resolves once it is running.
   */
  resumeKept(id: string): Promise<void> {
    return this.queue.enqueue(async () => {
      const [kept, checkpoint] = await Promise.all([runLibrary.get(id), runLibrary.checkpoint(id)]);
      if (!kept) throw new Error('that run is no longer kept');
      if (!checkpoint)
        throw new Error(
          `"${kept.record.name}" has no checkpoint to resume from (it stopped before its first one); start it again instead`,
        );
      // One page trains a run at a time: two would write one history over the other.
      if (!(await claimRun(id))) throw new Error(heldElsewhereMessage(kept.record.name));
      try {
        labActions.setConfig(checkpoint.config);
        const earlier = kept.history.filter((h) => h.step < checkpoint.step);
        const report = await this.doLoad(checkpoint.config, undefined, {
          resumeFrom: checkpoint,
          continues: id,
          earlier,
        });
        if (!report) throw new Error(useLab.getState().statusMessage ?? 'the run could not resume');
        await this.call((api) => api.start());
      } catch (error) {
        if (runRecorder.currentId !== id) releaseRun(id);
        throw error;
      }
    });
  }

  /**
   * Load a checkpoint file ("Load state…"): a new kept run that continues from the checkpoint's
   * step to the same numbers as the run it came from; Start runs it on.
   */
  loadCheckpoint(checkpoint: Checkpoint): Promise<Report | null> {
    return this.queue.enqueue(() =>
      this.doLoad(checkpoint.config, undefined, { resumeFrom: checkpoint, earlier: [] }),
    );
  }

  /** Resume a kept run and resolve with its RunResult once it ends (window.ncLab.runs.resume). */
  async resumeKeptToEnd(id: string): Promise<RunResult> {
    const ended = this.nextEnd();
    await this.resumeKept(id);
    await ended;
    await this.recorded;
    const result = await this.result();
    if (!result) throw new Error('the resumed run ended but the worker holds no result');
    return result;
  }

  snapshot(): Promise<UfmInitState | null> {
    return this.queue.enqueue(() => this.call((api) => api.snapshot()));
  }

  exportFeatures(headLayer: number): Promise<ExportFile[] | null> {
    return this.queue.enqueue(() => this.call((api) => api.exportFeatures(headLayer)));
  }

  /**
   * The wasm threads of the next run on (the one on screen keeps its own: threads change only
   * when the worker loads a run). A worker started later gets the choice first thing.
   */
  setThreads(choice: ThreadChoice): void {
    useLab.setState({ threads: choice });
    void this.connection?.call((api) => api.setThreads(choice)).catch(() => undefined);
  }

  /**
   * After a run on wasm's thread pool: the header's note of where the tuner sent each shape.
   * Only the worker that ran it knows; after a crash there is none (and none is started).
   */
  private async refreshTuning(): Promise<void> {
    const threads = useLab.getState().backend?.threads ?? 1;
    const connection = this.connection;
    if (threads <= 1 || !connection) {
      useLab.setState({ tuning: null });
      return;
    }
    const shapes = await connection.call((api) => api.tunedShapes()).catch(() => []);
    useLab.setState({ tuning: summariseTuning(shapes, threads) });
  }

  /** The heap tuner's choices in the worker (empty on one thread, or before any worker). */
  async tunedShapes(): Promise<TunedShape[]> {
    await this.ready();
    return this.call((api) => api.tunedShapes());
  }

  async backendInfo(request?: BackendRequest): Promise<BackendInfo> {
    await this.ready();
    const known = useLab.getState().backend;
    if (known && (!request || known.requested === request)) return known;
    return this.queue.enqueue(async () => {
      const info = await this.call((api) =>
        api.initBackend(request ?? useLab.getState().config.backend, this.runId),
      );
      useLab.setState({ backend: info });
      return info;
    });
  }

  /**
   * Load `config`, run it to the end and resolve with the worker's RunResult (window.ncLab.run).
   * It runs through the same worker as the page, so the panels show it.
   */
  async runToEnd(
    config: ExperimentConfig,
    init?: UfmInitState,
    timeoutMs?: number,
    keep = true,
  ): Promise<RunResult> {
    labActions.setConfig(config);
    const loaded = await this.queue.enqueue(() => {
      this.nextSource = { source: 'ncLab', keep };
      return this.doLoad(config, init);
    });
    if (!loaded) throw new Error(useLab.getState().statusMessage ?? 'the run could not be loaded');
    const ended = this.nextEnd();
    await this.queue.enqueue(() => this.call((api) => api.start()));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      if (timeoutMs && timeoutMs > 0) {
        timer = setTimeout(() => {
          void this.stop();
          reject(
            new Error(
              `ncLab.run: timed out after ${timeoutMs} ms at step ${useLab.getState().step}`,
            ),
          );
        }, timeoutMs);
      }
    });
    try {
      const status = await Promise.race([ended, timeout]);
      // A caller that reads the library next (a grid estimate, runs.list) finds the run there.
      await this.recorded;
      const result = await this.result();
      if (!result) {
        // A crashed worker's run leaves no result: say why it ended.
        const why = status === 'failed' ? useLab.getState().statusMessage : null;
        throw new Error(
          `ncLab.run: the run ended (${status}${why ? `: ${why}` : ''}) but the worker holds no result`,
        );
      }
      return result;
    } finally {
      clearTimeout(timer);
    }
  }

  // --- jobs that replace the run on screen -----------------------------------------------

  /** Time preset sizes in the worker (it disposes the current run; Start loads a fresh one). */
  benchmark(
    presetIds: string[],
    backend: BackendRequest,
    budgetSeconds: number,
  ): Promise<UfmBenchRow[]> {
    return this.job(async (runId) => {
      useLab.setState({ busy: `Benchmarking ${presetIds.join(', ')} on ${backend}…` });
      return this.call((api) => api.benchmark(runId, presetIds, backend, budgetSeconds));
    });
  }

  /** Network training throughput in the worker (ends the current run, like benchmark). */
  benchmarkNets(ids: string[], backend: BackendRequest): Promise<NetBenchRow[]> {
    return this.job((runId) => this.call((api) => api.benchmarkNets(runId, ids, backend)));
  }

  /** seed 002's noise sweep in the worker; the lab's run is replaced (like a benchmark). */
  runSweep(
    base: NetConfig,
    request: SweepRequest,
    onProgress?: (progress: SweepProgress) => void,
  ): Promise<SweepResult> {
    const runDone = (run: SweepMemberRun) => {
      for (const hook of sweepHooks.runDone) hook(run);
    };
    return this.job((runId) =>
      this.call((api) =>
        api.runSweep(runId, base, request, this.callbackOf(onProgress), this.callbackOf(runDone)),
      ),
    );
  }

  stopSweep(): Promise<void> {
    return this.call((api) => api.stopSweep());
  }

  /** A grid in the worker, one member after another; the lab's run is replaced (like a sweep). */
  runGrid(
    spec: unknown,
    options: {
      completed?: GridMemberResult[];
      onProgress?: (progress: GridProgress) => void;
      onMemberDone?: (member: GridMemberResult) => void;
    } = {},
  ): Promise<GridRunResult> {
    const { completed, onProgress, onMemberDone } = options;
    return this.job((runId) =>
      this.call((api) =>
        api.runGrid(
          runId,
          spec,
          completed,
          this.callbackOf(onProgress),
          this.callbackOf(onMemberDone),
        ),
      ),
    );
  }

  /** A hyper-parameter search in the worker; the lab's run is replaced (like a sweep). */
  runSearch(
    spec: unknown,
    onTrial?: (trial: SearchTrial, best: SearchTrial | null) => void,
    resume?: SearchResume,
  ): Promise<SearchResult> {
    return this.job((runId) =>
      this.call((api) => api.runSearch(runId, spec, this.callbackOf(onTrial), resume)),
    );
  }

  stopSearch(): Promise<void> {
    return this.call((api) => api.stopSearch());
  }

  /** Pause, resume or cancel the running grid (not queued: they act while it runs). */
  gridControl(action: 'pause' | 'resume' | 'stop'): Promise<void> {
    return this.call((api) =>
      action === 'pause'
        ? api.pauseGrid()
        : action === 'resume'
          ? api.resumeGrid()
          : api.stopGrid(),
    );
  }

  // --- datasets and feature files (leave the run alone) ----------------------------------

  /**
   * Dataset files and the IndexedDB cache, in the worker. Not queued behind run commands: a
   * large archive parses while a run keeps its controls.
   */
  importDataset(
    files: File[],
    onProgress?: (fraction: number, message: string) => void,
  ): Promise<ImportedDataset> {
    return this.call((api) => api.importDataset(files, this.callbackOf(onProgress)));
  }

  listDatasets(): Promise<CachedDatasetInfo[]> {
    return this.call((api) => api.listDatasets());
  }

  deleteDataset(key: string): Promise<void> {
    return this.call((api) => api.deleteDataset(key));
  }

  clearDatasets(): Promise<void> {
    return this.call((api) => api.clearDatasets());
  }

  describeDataset(name: StoredDatasetName): Promise<StoredSummary> {
    return this.call((api) => api.describeDataset(name));
  }

  /** Metrics of the researcher's own feature files, in the worker (a run there keeps going). */
  measureFeatures(
    files: FeatureFile[],
    options: MeasureFeaturesOptions,
    onProgress?: (progress: MeasureProgress) => void,
  ): Promise<FeatureMeasurement> {
    const backend = useLab.getState().config.backend;
    return this.queue.enqueue(() =>
      this.call((api) =>
        api.measureFeatures(
          this.spawn().transfer(
            files,
            files.map((f) => f.bytes),
          ),
          { ...options, backend },
          this.callbackOf(onProgress),
        ),
      ),
    );
  }

  // --- internals -------------------------------------------------------------------------

  private async doLoad(
    config: ExperimentConfig,
    init?: UfmInitState,
    resume?: { resumeFrom: Checkpoint; continues?: string; earlier: HistoryEntry[] },
  ): Promise<Report | null> {
    const origin = this.nextSource;
    this.nextSource = { source: 'page', keep: true };
    const runId = await this.replaceRun();
    labActions.resetRun(config, init || resume ? 'state' : 'seed');
    if (resume) {
      const { history } = useLab.getState();
      for (const entry of resume.earlier) history.push(entry);
      useLab.setState({ historyVersion: history.version });
    }
    this.init = init;
    this.events.reset();
    useLab.setState({
      loading: true,
      busy: useLab.getState().backend
        ? 'Building the run…'
        : 'Initialising the backend (first run compiles shaders)…',
    });
    try {
      const backendKnown = useLab.getState().backend
        ? Promise.resolve()
        : this.initBackendOrTimeout(config, runId);
      // Sent at once, not after the backend's answer: on a first visit the page is busy loading
      // and the worker would wait for it. The worker answers the backend call before it sends
      // the run's first report, so the recorder below still hears of the run first.
      const loaded = this.call((api) =>
        api.load(runId, config, init, {
          resumeFrom: resume?.resumeFrom,
          checkpointEvery: DEFAULT_CHECKPOINT_EVERY,
        }),
      );
      // a backend that failed or timed out is the error reported; this one then goes unheard
      loaded.catch(() => undefined);
      await backendKnown;
      // Before the load: its first report arrives as an event, ahead of load's answer.
      runRecorder.loaded(config, useLab.getState().backend, {
        source: origin.source,
        keep: origin.keep,
        continues: resume?.continues,
      });
      const report = await loaded;
      const result = await this.call((api) => api.result());
      useLab.setState({
        theory: result?.theory ?? null,
        backend: result?.backend ?? useLab.getState().backend,
        busy: null,
        loading: false,
      });
      labActions.report(report);
      labActions.announce(`Loaded: ${describeRun(config)}. Ready to start.`);
      return report;
    } catch (error) {
      const message = errorText(error);
      // The worker reports the reason as an error event too (shown as a banner).
      useLab.setState({
        status: 'failed',
        statusMessage: `Could not load the run: ${message}`,
        busy: null,
        loading: false,
      });
      if (!this.connection) labActions.addError(`Could not load the run: ${message}`);
      this.settleWaiters('failed');
      return null;
    }
  }

  /**
   * A job that replaces the run on screen (benchmark, sweep, grid, search): queued, given a new
   * run id, and followed by a fresh idle run of the form's config (Start loads it).
   */
  private job<T>(work: (runId: number) => Promise<T>): Promise<T> {
    return this.queue.enqueue(async () => {
      const runId = await this.replaceRun();
      try {
        return await work(runId);
      } finally {
        labActions.resetRun(useLab.getState().config, 'seed');
        useLab.setState({ loadedConfig: null, busy: null });
      }
    });
  }

  /** Initialise the worker's backend, giving up (and replacing the worker) after the timeout. */
  private async initBackendOrTimeout(config: ExperimentConfig, runId: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.restartWorker();
        reject(new Error(backendTimeoutMessage(config.backend, this.backendTimeoutMs / 1000)));
      }, this.backendTimeoutMs);
    });
    try {
      const info = await Promise.race([
        this.call((api) => api.initBackend(config.backend, runId)),
        timeout,
      ]);
      useLab.setState({ backend: info });
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Give the next job a new run id (from here on, the old run's events are dropped) and bring a
   * running or paused run to rest first: pause, then one step (the runner serialises steps, so
   * this waits for the slice in flight and nothing touches its tensors afterwards), then stop.
   * A worker that does not answer in time (a long synchronous stretch) is terminated; the next
   * call starts a fresh one, whose backend initialises again on load.
   */
  private async replaceRun(): Promise<number> {
    const runId = ++this.runId;
    const status = useLab.getState().status;
    const connection = this.connection;
    if (!connection || (status !== 'running' && status !== 'paused')) return runId;
    useLab.setState({ busy: 'Stopping the current run…' });
    // Bound to this connection: if it is replaced meanwhile, the late calls must not reach the new one.
    const settled = connection
      .call(async (api) => {
        await api.pause();
        await api.stepOnce();
        await api.stop();
        return true;
      })
      .catch(() => false);
    if (!(await Promise.race([settled, sleep(this.settleGraceMs).then(() => false)])))
      this.restartWorker();
    return runId;
  }

  private restartWorker(): void {
    this.connection?.terminate();
    this.connection = null;
    this.connectionId++;
  }

  /** Make sure the worker holds a run of the form's config that can still train. */
  private async ensureFresh(): Promise<boolean> {
    const s = useLab.getState();
    if (!formValid(s)) return false;
    if (configPending(s) || !s.loadedConfig || TERMINAL.has(s.status)) {
      return (await this.doLoad(s.config, configPending(s) ? undefined : this.init)) !== null;
    }
    return true;
  }

  private onEvent(event: ConnectionEvent, connectionId: number): void {
    if (connectionId !== this.connectionId) return; // a replaced worker
    if (event.type === 'crash') this.onCrash(event.crash);
    else if (event.runId === this.runId) this.events.apply(event);
  }

  private onCrash(crash: WorkerCrash): void {
    this.connection = null;
    this.connectionId++;
    this.events.crashed(crash);
  }

  private nextEnd(): Promise<RunStatus> {
    return new Promise<RunStatus>((resolve) => this.waiters.push(resolve));
  }

  private settleWaiters(status: RunStatus): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve(status);
  }

  private spawn(): WorkerConnection {
    if (this.connection) return this.connection;
    const id = ++this.connectionId;
    const connection = this.connect((event) => this.onEvent(event, id));
    this.connection = connection;
    // first on every new worker: messages arrive in order, so every job after it sees the choice
    void connection.call((api) => api.setThreads(useLab.getState().threads)).catch(() => undefined);
    return connection;
  }

  private call<T>(fn: (api: LabWorkerApi) => Promise<T>): Promise<T> {
    return this.spawn().call(fn);
  }

  private callbackOf<F extends (...args: never[]) => unknown>(fn: F | undefined): F | undefined {
    return fn ? this.spawn().callback(fn) : undefined;
  }
}
