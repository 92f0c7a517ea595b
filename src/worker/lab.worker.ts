/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import {
  initBackend,
  onDeviceLost,
  restartWasm,
  setWasmThreads,
  wasmThreads,
  type BackendInfo,
  type BackendRequest,
} from '../engine/core/backend';
import '../engine/core/wasmUrls.browser';
import { tunedShapes } from '../engine/core/heapTuner';
import type { ExperimentConfig } from '../engine/config/schema';
import { benchConfig } from '../engine/bench/cases';
import { benchUfm, type UfmBenchRow } from '../engine/bench/ufmBench';
import { ExperimentRunner } from '../engine/run/runner';
import { runNoiseSweep } from '../engine/grid/sweepRunner';
import { GridRun } from '../engine/grid/runner';
import { DEFAULT_GRID_CHECKPOINT_EVERY, expandGrid } from '../engine/grid/spec';
import { clearPartial, readPartial, savePartial } from './gridPartials';
import { parseSearchSpec, runSearch, searchBaseConfig } from '../engine/search/protocol';
import type { NetBenchRow } from '../engine/bench/netBench';
import {
  clearCachedDatasets,
  deleteCachedDataset,
  describeDataset,
  importDatasetFiles,
  listCachedDatasets,
  loadWorkerData,
} from './datasets';
import type { UfmInitState } from '../engine/ufm/initState';
import { measureFeatureFiles } from '../engine/features/measure';
import { EventBatch } from './eventBatch';
import type { LabWorkerApi, LoadOptions, WorkerEvent } from './protocol';
import { STARTUP_MARKS, markStartup } from './startupMarks';
import { threadsFor, type ThreadChoice } from '../engine/run/wasmThreads';

markStartup(STARTUP_MARKS.workerReady);

/**
 * The training worker: owns tfjs, the model, the optimiser and the loop, so the page never
 * blocks. It holds at most one run; `load` replaces it (disposing every tensor of the old one).
 */
let listener: ((events: WorkerEvent[]) => void) | null = null;
const events = new EventBatch((batch) => listener?.(batch));
let backend: BackendInfo | null = null;
let runner: ExperimentRunner | null = null;
/** The id `runner` was loaded with. */
let runnerId = 0;
/** Aborts the running noise sweep, if any. */
let sweepAbort: AbortController | null = null;
/** The running grid, if any (pause / resume / stop reach it). */
let gridRun: GridRun | null = null;
/** Aborts the running search, if any. */
let searchAbort: AbortController | null = null;
/** The running loop of `runner`, awaited before its tensors are disposed. */
let loop: Promise<unknown> = Promise.resolve();
/**
 * The page's id of the job the worker does now (the last run, sweep, grid, search or benchmark
 * it began). A run's own callbacks keep the id it was loaded with.
 */
let activeRun = 0;

/** Stop the current run, let its loop finish its slice, then free its tensors. */
async function retire(): Promise<void> {
  const old = runner;
  runner = null;
  if (!old) return;
  old.stop();
  await loop.catch(() => undefined);
  old.dispose();
}

function emit(event: WorkerEvent): void {
  events.push(event);
}

/** Make `runId` the job the worker does now; its events carry that id. */
function begin(runId: number): number {
  activeRun = runId;
  return runId;
}

/** Dataset loading progress of job `runId`, shown by the page while a big file is read. */
function progressOf(runId: number): (fraction: number, message: string) => void {
  return (fraction, message) => emit({ type: 'progress', runId, fraction, message });
}

function fail(error: unknown, runId = activeRun): never {
  const message = error instanceof Error ? error.message : String(error);
  emit({ type: 'error', runId, message });
  throw new Error(message);
}

/**
 * The backend in use or being initialised, and for which request: callers asking for the same
 * share it (the page asks as it starts the worker, and again when it loads the first run).
 */
let backendInit: { request: BackendRequest; info: Promise<BackendInfo> } | null = null;

function ensureBackend(request: BackendRequest, runId = activeRun): Promise<BackendInfo> {
  if (backendInit?.request === request) return backendInit.info;
  const entry = { request, info: startBackend(request, runId) };
  backendInit = entry;
  // A failed start is tried again by the next caller.
  entry.info.catch(() => {
    if (backendInit === entry) backendInit = null;
  });
  return entry.info;
}

async function startBackend(request: BackendRequest, runId: number): Promise<BackendInfo> {
  markStartup(STARTUP_MARKS.backendStart);
  const info = await initBackend(request);
  markStartup(STARTUP_MARKS.backendReady);
  backend = info;
  emit({ type: 'backend', runId, info });
  // A lost GPU device would otherwise hang the run: stop it and tell the page.
  onDeviceLost((lost) => {
    runner?.stop();
    backend = null;
    backendInit = null;
    emit({ type: 'device-lost', runId: activeRun, reason: lost.reason, message: lost.message });
  });
  return info;
}

let threadChoice: ThreadChoice = 'auto';
/** Read once, before any wasm start shows tfjs more cores than there are (showCoresForThreads). */
const CORES = navigator.hardwareConcurrency || 1;

/**
 * The backend for a job of `config`, started, and on wasm restarted with the threads the job's
 * size calls for (only between jobs: a restart drops every wasm tensor). `inputSize` for the
 * benchmarks' synthetic inputs.
 */
async function backendFor(
  config: ExperimentConfig,
  runId: number,
  inputSize?: number,
): Promise<BackendInfo> {
  const info = await ensureBackend(config.backend, runId);
  if (info.backend !== 'wasm') return info;
  const plan = threadsFor(config, CORES, threadChoice, inputSize);
  const next = await restartWasm(info, plan.threads, plan.why);
  if (next !== info) {
    backend = next;
    backendInit = { request: config.backend, info: Promise.resolve(next) };
    emit({ type: 'backend', runId, info: next });
  }
  return next;
}

const api: LabWorkerApi = {
  subscribe(cb) {
    listener = cb;
  },
  initBackend: (request, runId) => ensureBackend(request, runId).catch((e) => fail(e, runId)),
  async tunedShapes() {
    return tunedShapes();
  },
  async setThreads(choice) {
    threadChoice = choice;
    // a fixed count is also the first initialisation's (auto starts on one thread)
    if (choice !== 'auto') setWasmThreads(choice);
  },
  async load(
    runId: number,
    config: ExperimentConfig,
    init?: UfmInitState,
    options: LoadOptions = {},
  ) {
    try {
      await retire();
      begin(runId);
      const info = await backendFor(config, runId);
      // Every event of this run carries its id: the page drops those of a run it replaced.
      const next: ExperimentRunner = await ExperimentRunner.create(
        config,
        info,
        {
          init,
          resumeFrom: options.resumeFrom,
          loadData: (c) => loadWorkerData(c, progressOf(runId)),
        },
        {
          checkpointEvery: options.checkpointEvery ?? 0,
          onCheckpoint: (checkpoint) => emit({ type: 'checkpoint', runId, checkpoint }),
          onReport: (report) => emit({ type: 'report', runId, report }),
          onStatus: (status, message) =>
            emit({ type: 'status', runId, status, message, step: next.step }),
        },
      );
      runner = next;
      runnerId = runId;
      markStartup(STARTUP_MARKS.runBuilt);
      const report = await next.measureInitial();
      markStartup(STARTUP_MARKS.firstReport);
      return report;
    } catch (error) {
      return fail(error, runId);
    }
  },
  async start() {
    if (!runner) fail('Nothing to run: load a config first.');
    const runId = runnerId;
    // Not awaited: the loop runs on while the page keeps talking to the worker.
    loop = runner
      .run()
      .catch((error: unknown) => emit({ type: 'error', runId, message: String(error) }));
  },
  async pause() {
    runner?.pause();
  },
  async pauseAt(step: number | null) {
    runner?.pauseAt(step);
  },
  async resume() {
    runner?.resume();
  },
  async stepOnce() {
    await runner?.stepOnce();
  },
  async stop() {
    runner?.stop();
  },
  async result() {
    return runner ? runner.result() : null;
  },
  async checkpoint() {
    return runner ? runner.checkpoint() : null;
  },
  async snapshot() {
    return runner ? runner.snapshot() : null;
  },
  async exportFeatures(headLayer) {
    return runner && runner.config.experiment !== 'ufm' ? runner.exportFeatures(headLayer) : null;
  },
  async measureFeatures(files, options, onProgress) {
    // The backend a run already uses (switching it would pull the tensors from under the run).
    if (!backend) await ensureBackend(options.backend ?? 'auto');
    try {
      return await measureFeatureFiles(files, options, onProgress);
    } finally {
      // close the progress callback's message port
      (onProgress as Partial<Comlink.Remote<unknown>> | undefined)?.[Comlink.releaseProxy]?.();
    }
  },
  async benchmarkNets(runId, ids, request) {
    await retire();
    begin(runId);
    // loaded on demand: a static import put the whole network engine in the worker's first chunk
    const { benchNetCase, findNetBenchCase } = await import('../engine/bench/netBench');
    const rows: NetBenchRow[] = [];
    for (const id of ids) {
      const c = findNetBenchCase(id);
      const size = c.inputShape.reduce((a, b) => a * b, 1);
      await backendFor({ ...c.config, backend: request }, runId, size);
      rows.push({ ...(await benchNetCase(id)), threads: wasmThreads() });
    }
    return rows;
  },
  async runSweep(runId, base, request, onProgress, onRunDone) {
    await retire();
    begin(runId);
    sweepAbort?.abort();
    const abort = new AbortController();
    sweepAbort = abort;
    try {
      const info = await backendFor(base, runId);
      return await runNoiseSweep(
        base,
        request,
        info,
        (c) => loadWorkerData(c, progressOf(runId)),
        (p) => onProgress?.(p),
        abort.signal,
        (run) => void onRunDone?.(run),
      );
    } catch (error) {
      return fail(error, runId);
    } finally {
      if (sweepAbort === abort) sweepAbort = null;
      (onProgress as Partial<Comlink.Remote<unknown>> | undefined)?.[Comlink.releaseProxy]?.();
      (onRunDone as Partial<Comlink.Remote<unknown>> | undefined)?.[Comlink.releaseProxy]?.();
    }
  },
  async stopSweep() {
    sweepAbort?.abort();
  },
  async runGrid(runId, spec, completed, onProgress, onMemberDone) {
    await retire();
    begin(runId);
    gridRun?.cancel();
    try {
      const grid = expandGrid(spec);
      const info = await backendFor(grid.base, runId);
      const run = new GridRun(grid, info, {
        completed,
        // A member a reload interrupted continues from its checkpoint, kept in IndexedDB.
        interrupted: await readPartial(grid),
        checkpointEvery: grid.spec.checkpointEvery ?? DEFAULT_GRID_CHECKPOINT_EVERY,
        onMemberCheckpoint: (state) => void savePartial(grid, state),
        // members may differ in size (an axis over d or M): each gets its own thread count
        beforeMember: (config) => backendFor(config, runId),
        loadData: (c) => loadWorkerData(c, progressOf(runId)),
        onProgress: (p) => onProgress?.(p),
        onMemberDone: async (m) => {
          await clearPartial(grid, m.id);
          await onMemberDone?.(m);
        },
      });
      gridRun = run;
      try {
        return await run.run();
      } finally {
        if (gridRun === run) gridRun = null;
      }
    } catch (error) {
      return fail(error, runId);
    } finally {
      for (const cb of [onProgress, onMemberDone])
        (cb as Partial<Comlink.Remote<unknown>> | undefined)?.[Comlink.releaseProxy]?.();
    }
  },
  async pauseGrid() {
    gridRun?.pause();
  },
  async resumeGrid() {
    gridRun?.resume();
  },
  async stopGrid() {
    gridRun?.cancel();
  },
  async runSearch(runId, spec, onTrial, resume) {
    await retire();
    begin(runId);
    searchAbort?.abort();
    const abort = new AbortController();
    searchAbort = abort;
    try {
      const info = await backendFor(searchBaseConfig(parseSearchSpec(spec)), runId);
      return await runSearch(spec, info, {
        loadData: (c) => loadWorkerData(c, progressOf(runId)),
        onTrial: (t, best) => onTrial?.(t, best),
        signal: abort.signal,
        resume,
      });
    } catch (error) {
      return fail(error, runId);
    } finally {
      if (searchAbort === abort) searchAbort = null;
      (onTrial as Partial<Comlink.Remote<unknown>> | undefined)?.[Comlink.releaseProxy]?.();
    }
  },
  async stopSearch() {
    searchAbort?.abort();
  },
  async importDataset(files, onProgress) {
    try {
      return await importDatasetFiles(files, (f, m) => onProgress?.(f, m));
    } catch (error) {
      return fail(error);
    } finally {
      (onProgress as Partial<Comlink.Remote<unknown>> | undefined)?.[Comlink.releaseProxy]?.();
    }
  },
  listDatasets: () => listCachedDatasets(),
  deleteDataset: (key) => deleteCachedDataset(key),
  clearDatasets: () => clearCachedDatasets(),
  describeDataset: (name) =>
    describeDataset(name, progressOf(activeRun)).catch((e: unknown) => fail(e)),
  async benchmark(runId, presetIds, request, budgetSeconds) {
    await retire();
    begin(runId);
    const rows: UfmBenchRow[] = [];
    for (const id of presetIds) {
      const config = { ...benchConfig(id), backend: request };
      const info = await backendFor(config, runId);
      // A 3-step probe sizes the timed run to about budgetSeconds.
      const probe = await benchUfm({ ...config, reportEvery: 3 }, id, 3, 1);
      const rate = Math.min(probe.labStepsPerSecond, probe.bareStepsPerSecond);
      const steps = Math.max(5, Math.min(3000, Math.round(budgetSeconds * rate)));
      rows.push({
        ...(await benchUfm({ ...config, reportEvery: Math.min(100, steps) }, id, steps)),
        backend: info.backend,
        threads: wasmThreads(),
      });
    }
    return rows;
  },
};

Comlink.expose(api);
