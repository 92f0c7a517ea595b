import type { ExportFile } from '../engine/nets/featureExport';
import * as Comlink from 'comlink';
import type { Remote } from 'comlink';
import type { BackendInfo, BackendRequest } from '../engine/core/backend';
import type { UfmBenchRow } from '../engine/bench/ufmBench';
import type { NetBenchRow } from '../engine/bench/netBench';
import type { ExperimentConfig, NetConfig } from '../engine/config/schema';
import type {
  SweepMemberRun,
  SweepProgress,
  SweepRequest,
  SweepResult,
} from '../engine/grid/sweepRunner';
import type { GridMemberResult, GridProgress, GridRunResult } from '../engine/grid/runner';
import type { SearchResult, SearchTrial } from '../engine/search/protocol';
import type { Report, RunStatus } from '../engine/session/types';
import type { RunResult } from '../engine/run/result';
import type { UfmInitState } from '../engine/ufm/initState';
import type {
  FeatureFile,
  FeatureMeasurement,
  MeasureFeaturesOptions,
  MeasureProgress,
} from '../engine/features/measure';
import { createLabWorker } from '../worker/client';
import type { StoredSummary } from '../engine/data';
import type { CachedDatasetInfo } from '../worker/datasetCache';
import type { ImportedDataset } from '../worker/datasets';
import type { LabWorkerApi, StoredDatasetName, WorkerEvent } from '../worker/protocol';
import { secondsLeft, type ProgressMark } from './eta';
import type { Checkpoint } from '../engine/session/checkpoint';
import type { HistoryEntry } from '../engine/session/types';
import { DEFAULT_CHECKPOINT_EVERY, runRecorder } from './runs/recorder';
import { runLibrary } from './runs/runsStore';
import { configPending, formValid, labActions, useLab } from './store';

/**
 * Owns the training worker. Every command goes through a queue, so a click never interleaves
 * with a reload, and every worker call races against a crash of the worker (a crashed worker
 * never answers; the next command starts a fresh one).
 *
 * Events carry no run id, and they travel on their own MessagePort, so their order against
 * call results is not guaranteed. Each run therefore gets its own event channel (a fresh
 * `subscribe`), tagged with a generation; events from an older channel or an older worker are
 * dropped, however late they arrive.
 */
/** How long a running worker gets to settle ("pause, finish the slice, stop") before a reload
 * replaces the worker instead. */
const SETTLE_GRACE_MS = 2000;

/** A backend that has not initialised by then is reported as stuck (the worker is replaced). */
export const BACKEND_INIT_TIMEOUT_MS = 60_000;

/** What to do when the worker cannot start: the usual causes are a stale page or dev bundle. */
const RESTART_ADVICE =
  'Reload the page. If you run the development server (npm run dev), stop and restart it first; or use npm start, which serves the built lab.';

/** The page's message for a worker that crashed or never started: why, and what to do. */
export function crashMessage(reason: string): string {
  return `The training worker stopped: ${reason}. ${RESTART_ADVICE}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const TERMINAL: ReadonlySet<RunStatus> = new Set(['completed', 'stopped', 'diverged', 'failed']);

interface Waiter {
  resolve(status: RunStatus): void;
}

class LabClient {
  private worker: { api: Remote<LabWorkerApi>; terminate(): void } | null = null;
  private crashed: Promise<never> | null = null;
  private crash: ((error: Error) => void) | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** Identity of the current worker and of the current run's event channel. */
  private workerId = 0;
  private channel = 0;
  private waiters: Waiter[] = [];
  /** The saved state the current run started from (Reset returns to it). */
  private init: UfmInitState | undefined;
  private firstLoad: Promise<unknown> | null = null;
  private lastNc1: number | null = null;
  /** Where the current stretch of running began (for the time-left estimate). */
  private runningSince: ProgressMark | null = null;
  /** Who started the next load ('ncLab' for window.ncLab.run) and whether it is kept. */
  private nextSource: { source: 'page' | 'ncLab'; keep: boolean } = { source: 'page', keep: true };

  /** Resolves once the first load (backend initialised) has finished, successfully or not. */
  ready(): Promise<unknown> {
    return this.firstLoad ?? Promise.resolve();
  }

  // --- commands --------------------------------------------------------------------------

  /** Replace the worker's run with a fresh one from `config` (and a saved state, if given). */
  load(config: ExperimentConfig, init?: UfmInitState): Promise<Report | null> {
    const p = this.enqueue(() => this.doLoad(config, init));
    this.firstLoad ??= p.catch(() => undefined);
    return p;
  }

  start(): Promise<void> {
    return this.enqueue(async () => {
      const s = useLab.getState();
      if (s.status === 'running') return;
      if (s.status === 'paused') return this.call((api) => api.resume());
      if (!(await this.ensureFresh())) return;
      await this.call((api) => api.start());
    });
  }

  pause(): Promise<void> {
    return this.enqueue(() => this.call((api) => api.pause()));
  }

  /** Teaching mode's pause points: the worker pauses exactly at this optimiser step. */
  pauseAt(step: number | null): Promise<void> {
    return this.enqueue(() => this.call((api) => api.pauseAt(step)));
  }

  resume(): Promise<void> {
    return this.enqueue(() => this.call((api) => api.resume()));
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.call((api) => api.stop()));
  }

  step(): Promise<void> {
    return this.enqueue(async () => {
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
    return this.enqueue(() => this.doLoad(s.config, sameRun ? this.init : undefined));
  }

  /** Toggle used by the space key: start, pause or resume. */
  toggle(): Promise<void> {
    const status = useLab.getState().status;
    if (status === 'running') return this.pause();
    if (status === 'paused') return this.resume();
    return this.start();
  }

  result(): Promise<RunResult | null> {
    return this.enqueue(() => this.call((api) => api.result()));
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
    return this.enqueue(async () => {
      const [kept, checkpoint] = await Promise.all([runLibrary.get(id), runLibrary.checkpoint(id)]);
      if (!kept) throw new Error('that run is no longer kept');
      if (!checkpoint)
        throw new Error(
          `"${kept.record.name}" has no checkpoint to resume from (it stopped before its first one); start it again instead`,
        );
      labActions.setConfig(checkpoint.config);
      const earlier = kept.history.filter((h) => h.step < checkpoint.step);
      const report = await this.doLoad(checkpoint.config, undefined, {
        resumeFrom: checkpoint,
        continues: id,
        earlier,
      });
      if (!report) throw new Error(useLab.getState().statusMessage ?? 'the run could not resume');
      await this.call((api) => api.start());
    });
  }

  /**
   * Load a checkpoint file ("Load state…"): a new kept run that continues from the checkpoint's
   * step to the same numbers as the run it came from; Start runs it on.
   */
  loadCheckpoint(checkpoint: Checkpoint): Promise<Report | null> {
    return this.enqueue(() =>
      this.doLoad(checkpoint.config, undefined, { resumeFrom: checkpoint, earlier: [] }),
    );
  }

  /** Resume a kept run and resolve with its RunResult once it ends (window.ncLab.runs.resume). */
  async resumeKeptToEnd(id: string): Promise<RunResult> {
    const ended = new Promise<RunStatus>((resolve) => this.waiters.push({ resolve }));
    await this.resumeKept(id);
    await ended;
    const result = await this.result();
    if (!result) throw new Error('the resumed run ended but the worker holds no result');
    return result;
  }

  snapshot(): Promise<UfmInitState | null> {
    return this.enqueue(() => this.call((api) => api.snapshot()));
  }

  exportFeatures(headLayer: number): Promise<ExportFile[] | null> {
    return this.enqueue(() => this.call((api) => api.exportFeatures(headLayer)));
  }

  async backendInfo(request?: BackendRequest): Promise<BackendInfo> {
    await this.ready();
    const known = useLab.getState().backend;
    if (known && (!request || known.requested === request)) return known;
    return this.enqueue(async () => {
      const info = await this.call((api) =>
        api.initBackend(request ?? useLab.getState().config.backend),
      );
      useLab.setState({ backend: info });
      return info;
    });
  }

  /** Time preset sizes in the worker (it disposes the current run; Start loads a fresh one). */
  benchmark(
    presetIds: string[],
    backend: BackendRequest,
    budgetSeconds: number,
  ): Promise<UfmBenchRow[]> {
    return this.enqueue(async () => {
      await this.endCurrentRun();
      await this.openChannel();
      useLab.setState({ busy: `Benchmarking ${presetIds.join(', ')} on ${backend}…` });
      try {
        return await this.call((api) => api.benchmark(presetIds, backend, budgetSeconds));
      } finally {
        labActions.resetRun(useLab.getState().config, 'seed');
        useLab.setState({ loadedConfig: null, busy: null });
      }
    });
  }

  /** Network training throughput in the worker (ends the current run, like benchmark). */
  benchmarkNets(ids: string[], backend: BackendRequest): Promise<NetBenchRow[]> {
    return this.enqueue(async () => {
      await this.endCurrentRun();
      await this.openChannel();
      try {
        return await this.call((api) => api.benchmarkNets(ids, backend));
      } finally {
        labActions.resetRun(useLab.getState().config, 'seed');
        useLab.setState({ loadedConfig: null, busy: null });
      }
    });
  }

  /** seed 002's noise sweep in the worker; the lab's run is replaced (like a benchmark). */
  runSweep(
    base: NetConfig,
    request: SweepRequest,
    onProgress?: (progress: SweepProgress) => void,
  ): Promise<SweepResult> {
    return this.enqueue(async () => {
      await this.endCurrentRun();
      await this.openChannel();
      try {
        const runDone = (run: SweepMemberRun) => {
          for (const hook of sweepHooks.runDone) hook(run);
        };
        return await this.call((api) =>
          api.runSweep(
            base,
            request,
            onProgress ? Comlink.proxy(onProgress) : undefined,
            Comlink.proxy(runDone),
          ),
        );
      } finally {
        labActions.resetRun(useLab.getState().config, 'seed');
        useLab.setState({ loadedConfig: null, busy: null });
      }
    });
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
    return this.enqueue(async () => {
      await this.endCurrentRun();
      await this.openChannel();
      try {
        return await this.call((api) =>
          api.runGrid(
            spec,
            completed,
            onProgress ? Comlink.proxy(onProgress) : undefined,
            onMemberDone ? Comlink.proxy(onMemberDone) : undefined,
          ),
        );
      } finally {
        labActions.resetRun(useLab.getState().config, 'seed');
        useLab.setState({ loadedConfig: null, busy: null });
      }
    });
  }

  /** A hyper-parameter search in the worker; the lab's run is replaced (like a sweep). */
  runSearch(
    spec: unknown,
    onTrial?: (trial: SearchTrial, best: SearchTrial | null) => void,
  ): Promise<SearchResult> {
    return this.enqueue(async () => {
      await this.endCurrentRun();
      await this.openChannel();
      try {
        return await this.call((api) =>
          api.runSearch(spec, onTrial ? Comlink.proxy(onTrial) : undefined),
        );
      } finally {
        labActions.resetRun(useLab.getState().config, 'seed');
        useLab.setState({ loadedConfig: null, busy: null });
      }
    });
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

  /**
   * Dataset files and the IndexedDB cache, in the worker. Not queued behind run commands: a
   * large archive parses while a run keeps its controls.
   */
  importDataset(
    files: File[],
    onProgress?: (fraction: number, message: string) => void,
  ): Promise<ImportedDataset> {
    return this.call((api) =>
      api.importDataset(files, onProgress ? Comlink.proxy(onProgress) : undefined),
    );
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
    return this.enqueue(() =>
      this.call((api) =>
        api.measureFeatures(
          Comlink.transfer(
            files,
            files.map((f) => f.bytes),
          ),
          { ...options, backend },
          onProgress ? Comlink.proxy(onProgress) : undefined,
        ),
      ),
    );
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
    const loaded = await this.enqueue(() => {
      this.nextSource = { source: 'ncLab', keep };
      return this.doLoad(config, init);
    });
    if (!loaded) throw new Error(useLab.getState().statusMessage ?? 'the run could not be loaded');
    const ended = new Promise<RunStatus>((resolve) => this.waiters.push({ resolve }));
    await this.enqueue(() => this.call((api) => api.start()));
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
      const result = await this.result();
      if (!result)
        throw new Error(`ncLab.run: the run ended (${status}) but the worker holds no result`);
      return result;
    } finally {
      clearTimeout(timer);
    }
  }

  // --- internals -------------------------------------------------------------------------

  private async doLoad(
    config: ExperimentConfig,
    init?: UfmInitState,
    resume?: { resumeFrom: Checkpoint; continues?: string; earlier: HistoryEntry[] },
  ): Promise<Report | null> {
    const origin = this.nextSource;
    this.nextSource = { source: 'page', keep: true };
    await this.endCurrentRun();
    labActions.resetRun(config, init || resume ? 'state' : 'seed');
    if (resume) {
      const { history } = useLab.getState();
      for (const entry of resume.earlier) history.push(entry);
      useLab.setState({ historyVersion: history.version });
    }
    this.init = init;
    this.lastNc1 = null;
    useLab.setState({
      busy: useLab.getState().backend
        ? 'Building the run…'
        : 'Initialising the backend (first run compiles shaders)…',
    });
    try {
      await this.openChannel();
      if (!useLab.getState().backend) await this.initBackendOrTimeout(config);
      // Before the load: its first report arrives as an event, ahead of load's answer.
      runRecorder.loaded(config, useLab.getState().backend, {
        source: origin.source,
        keep: origin.keep,
        continues: resume?.continues,
      });
      const report = await this.call((api) =>
        api.load(config, init, {
          resumeFrom: resume?.resumeFrom,
          checkpointEvery: DEFAULT_CHECKPOINT_EVERY,
        }),
      );
      const result = await this.call((api) => api.result());
      useLab.setState({
        theory: result?.theory ?? null,
        backend: result?.backend ?? useLab.getState().backend,
        busy: null,
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
      });
      if (!this.worker) labActions.addError(`Could not load the run: ${message}`);
      this.settleWaiters('failed');
      return null;
    }
  }

  /** Initialise the worker's backend, giving up (and replacing the worker) after the timeout. */
  private async initBackendOrTimeout(config: ExperimentConfig): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.restartWorker();
        reject(
          new Error(
            `the ${config.backend} backend did not initialise within ${BACKEND_INIT_TIMEOUT_MS / 1000} s. ${RESTART_ADVICE} A link with backend=wasm avoids the GPU probe.`,
          ),
        );
      }, BACKEND_INIT_TIMEOUT_MS);
    });
    try {
      const info = await Promise.race([
        this.call((api) => api.initBackend(config.backend)),
        timeout,
      ]);
      useLab.setState({ backend: info });
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Bring a running or paused run to rest before it is replaced: pause, then one step (the
   * runner serialises steps, so this waits for the slice in flight and nothing touches its
   * tensors afterwards), then stop. Its events go to the old channel and are dropped. A worker
   * that does not answer in time (a long synchronous stretch) is terminated; the next call
   * starts a fresh one, whose backend initialises again on load.
   */
  private async endCurrentRun(): Promise<void> {
    this.channel++; // from here on, the old run's events are stale
    const status = useLab.getState().status;
    if (!this.worker || (status !== 'running' && status !== 'paused')) return;
    useLab.setState({ busy: 'Stopping the current run…' });
    // Bound to this worker: if it is replaced meanwhile, the late calls must not reach the new one.
    const { api } = this.worker;
    const settled = (async () => {
      await api.pause();
      await api.stepOnce();
      await api.stop();
      return true;
    })().catch(() => false);
    if (!(await Promise.race([settled, sleep(SETTLE_GRACE_MS).then(() => false)])))
      this.restartWorker();
  }

  /** A fresh event channel for the next run (a new worker starts with one). */
  private async openChannel(): Promise<void> {
    const channel = ++this.channel;
    if (!this.worker) {
      this.spawn();
      return;
    }
    const workerId = this.workerId;
    await this.call((api) =>
      api.subscribe(Comlink.proxy((event: WorkerEvent) => this.onEvent(event, workerId, channel))),
    );
  }

  private restartWorker(): void {
    this.worker?.terminate();
    this.worker = null;
    this.crash = null;
    this.crashed = null;
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

  private onEvent(event: WorkerEvent, workerId: number, channel: number): void {
    if (workerId !== this.workerId) return; // a replaced worker
    if (event.type === 'crash') {
      const message = crashMessage(event.reason);
      labActions.addError(message);
      useLab.setState({ busy: null });
      this.crash?.(new Error(message));
      return;
    }
    if (channel !== this.channel) return; // a replaced run
    switch (event.type) {
      case 'backend':
        useLab.setState({ backend: event.info });
        break;
      case 'progress':
        useLab.setState({ busy: `${event.message} (${Math.round(100 * event.fraction)} %)` });
        break;
      case 'report':
        labActions.report(event.report);
        runRecorder.report(event.report, event.report.totalSteps);
        this.milestones(event.report);
        this.estimateTimeLeft(event.report);
        break;
      case 'status':
        this.runningSince =
          event.status === 'running' ? { time: performance.now(), step: event.step } : null;
        if (event.status !== 'running') useLab.setState({ timeLeft: null });
        useLab.setState({
          status: event.status,
          statusMessage: event.message,
          step: Math.max(event.step, useLab.getState().step),
        });
        labActions.announce(describeStatus(event.status, event.step, event.message));
        // A run that ends early says why in a banner too (the status bar is easy to miss).
        if ((event.status === 'failed' || event.status === 'diverged') && event.message)
          labActions.addError(event.message);
        runRecorder.status(
          event.status,
          event.message,
          event.step,
          useLab.getState().lastReport?.totalSteps ?? 0,
        );
        if (TERMINAL.has(event.status)) {
          // Read the result at once (not queued): the next load would replace it.
          void this.call((api) => api.result())
            .then((result) => result && runRecorder.finish(result))
            .catch(() => undefined);
          this.settleWaiters(event.status);
        }
        break;
      case 'checkpoint':
        runRecorder.checkpoint(event.checkpoint);
        break;
      case 'error':
        labActions.addError(event.message);
        if (useLab.getState().status === 'running' || useLab.getState().status === 'paused') {
          useLab.setState({ status: 'failed', statusMessage: event.message });
          this.settleWaiters('failed');
        }
        break;
    }
  }

  private estimateTimeLeft(report: Report): void {
    if (!this.runningSince || useLab.getState().status !== 'running') return;
    const now = { time: performance.now(), step: report.step };
    useLab.setState({ timeLeft: secondsLeft(this.runningSince, now, report.totalSteps) });
  }

  private milestones(report: Report): void {
    const nc1 = report.metrics.nc1_pinv;
    if (typeof nc1 !== 'number') return;
    for (const level of [1e-1, 1e-2, 1e-3]) {
      if (this.lastNc1 !== null && this.lastNc1 >= level && nc1 < level) {
        labActions.announce(`NC1 fell below ${level} at step ${report.step}.`);
      }
    }
    this.lastNc1 = nc1;
  }

  private settleWaiters(status: RunStatus): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve(status);
  }

  private spawn() {
    if (this.worker) return this.worker;
    const workerId = ++this.workerId;
    const channel = this.channel;
    this.worker = createLabWorker((event) => this.onEvent(event, workerId, channel));
    this.crashed = new Promise<never>((_, reject) => {
      this.crash = (error) => {
        this.worker?.terminate();
        this.worker = null;
        this.crash = null;
        reject(error);
      };
    });
    this.crashed.catch(() => undefined);
    return this.worker;
  }

  private call<T>(fn: (api: Remote<LabWorkerApi>) => Promise<T>): Promise<T> {
    const worker = this.spawn();
    return Promise.race([fn(worker.api), this.crashed as Promise<never>]);
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function describeRun(c: ExperimentConfig): string {
  if (c.experiment === 'net')
    return `${c.model} on ${c.dataset}, M = ${c.depthLinear}, ${c.loss}, ${c.epochs} epochs`;
  return `K = ${c.classSizes.length}, N = ${c.classSizes.reduce((a, n) => a + n, 0)}, d = ${c.hidden}, M = ${c.depth}, ${c.bias ? 'bias' : 'no bias'}`;
}

function describeStatus(status: RunStatus, step: number, message: string | null): string {
  switch (status) {
    case 'running':
      return `Running from step ${step}.`;
    case 'paused':
      return `Paused at step ${step}.`;
    case 'completed':
      return `Completed after ${step} steps.`;
    case 'stopped':
      return `Stopped at step ${step}.`;
    default:
      return message ?? `Status: ${status}.`;
  }
}

/** Hooks for whoever keeps runs (the run library): each noise-sweep run as it finishes. */
export const sweepHooks: { runDone: ((run: SweepMemberRun) => void)[] } = { runDone: [] };

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message.replace(/^Error: /, '');
  return String(error);
}

export const labClient = new LabClient();
