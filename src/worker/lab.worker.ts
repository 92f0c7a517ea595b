/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import {
  initBackend,
  onDeviceLost,
  type BackendInfo,
  type BackendRequest,
} from '../engine/core/backend';
import '../engine/core/wasmUrls.browser';
import type { ExperimentConfig } from '../engine/config/schema';
import { benchConfig } from '../engine/bench/cases';
import { benchUfm, type UfmBenchRow } from '../engine/bench/ufmBench';
import { ExperimentRunner } from '../engine/run/runner';
import { runNoiseSweep } from '../engine/grid/sweepRunner';
import { GridRun } from '../engine/grid/runner';
import { DEFAULT_GRID_CHECKPOINT_EVERY, expandGrid } from '../engine/grid/spec';
import { clearPartial, readPartial, savePartial } from './gridPartials';
import { parseSearchSpec, runSearch, searchBaseConfig } from '../engine/search/protocol';
import { benchNetCase, type NetBenchRow } from '../engine/bench/netBench';
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
import type { LabWorkerApi, LoadOptions, WorkerEvent } from './protocol';

/**
 * The training worker: owns tfjs, the model, the optimiser and the loop, so the page never
 * blocks. It holds at most one run; `load` replaces it (disposing every tensor of the old one).
 */
let listener: ((event: WorkerEvent) => void) | null = null;
let backend: BackendInfo | null = null;
let runner: ExperimentRunner | null = null;
/** Aborts the running noise sweep, if any. */
let sweepAbort: AbortController | null = null;
/** The running grid, if any (pause / resume / stop reach it). */
let gridRun: GridRun | null = null;
/** Aborts the running search, if any. */
let searchAbort: AbortController | null = null;
/** The running loop of `runner`, awaited before its tensors are disposed. */
let loop: Promise<unknown> = Promise.resolve();

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
  listener?.(event);
}

/** Dataset loading progress, shown by the page while a big file is read. */
function progress(fraction: number, message: string): void {
  emit({ type: 'progress', fraction, message });
}

function fail(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  emit({ type: 'error', message });
  throw new Error(message);
}

async function ensureBackend(request: BackendRequest): Promise<BackendInfo> {
  if (!backend || backend.requested !== request) {
    backend = await initBackend(request);
    emit({ type: 'backend', info: backend });
    // A lost GPU device would otherwise hang the run: stop it and say so.
    onDeviceLost((lost) => {
      runner?.stop();
      backend = null;
      emit({
        type: 'error',
        message: `The WebGPU device was lost (${lost.reason}: ${lost.message}). The run stopped; its history is kept. Reset to start again, or choose another backend.`,
      });
    });
  }
  return backend;
}

const api: LabWorkerApi = {
  subscribe(cb) {
    listener = cb;
  },
  initBackend: (request) => ensureBackend(request).catch(fail),
  async load(config: ExperimentConfig, init?: UfmInitState, options: LoadOptions = {}) {
    try {
      await retire();
      const info = await ensureBackend(config.backend);
      const next: ExperimentRunner = await ExperimentRunner.create(
        config,
        info,
        { init, resumeFrom: options.resumeFrom, loadData: (c) => loadWorkerData(c, progress) },
        {
          checkpointEvery: options.checkpointEvery ?? 0,
          onCheckpoint: (checkpoint) => {
            if (runner === next) emit({ type: 'checkpoint', checkpoint });
          },
          // Only the current run speaks: a retired one's "stopped" would reach the new channel.
          onReport: (report) => {
            if (runner === next) emit({ type: 'report', report });
          },
          onStatus: (status, message) => {
            if (runner === next) emit({ type: 'status', status, message, step: next.step });
          },
        },
      );
      runner = next;
      return await next.measureInitial();
    } catch (error) {
      return fail(error);
    }
  },
  async start() {
    if (!runner) fail('Nothing to run: load a config first.');
    // Not awaited: the loop runs on while the page keeps talking to the worker.
    loop = runner.run().catch((error: unknown) => emit({ type: 'error', message: String(error) }));
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
  async benchmarkNets(ids, request) {
    await retire();
    await ensureBackend(request);
    const rows: NetBenchRow[] = [];
    for (const id of ids) rows.push(await benchNetCase(id));
    return rows;
  },
  async runSweep(base, request, onProgress, onRunDone) {
    await retire();
    sweepAbort?.abort();
    const abort = new AbortController();
    sweepAbort = abort;
    try {
      const info = await ensureBackend(base.backend);
      return await runNoiseSweep(
        base,
        request,
        info,
        (c) => loadWorkerData(c, progress),
        (p) => onProgress?.(p),
        abort.signal,
        (run) => void onRunDone?.(run),
      );
    } catch (error) {
      return fail(error);
    } finally {
      if (sweepAbort === abort) sweepAbort = null;
      (onProgress as Partial<Comlink.Remote<unknown>> | undefined)?.[Comlink.releaseProxy]?.();
      (onRunDone as Partial<Comlink.Remote<unknown>> | undefined)?.[Comlink.releaseProxy]?.();
    }
  },
  async stopSweep() {
    sweepAbort?.abort();
  },
  async runGrid(spec, completed, onProgress, onMemberDone) {
    await retire();
    gridRun?.cancel();
    try {
      const grid = expandGrid(spec);
      const info = await ensureBackend(grid.base.backend);
      const run = new GridRun(grid, info, {
        completed,
        // A member a reload interrupted continues from its checkpoint, kept in IndexedDB.
        interrupted: await readPartial(grid),
        checkpointEvery: grid.spec.checkpointEvery ?? DEFAULT_GRID_CHECKPOINT_EVERY,
        onMemberCheckpoint: (state) => void savePartial(grid, state),
        loadData: (c) => loadWorkerData(c, progress),
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
      return fail(error);
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
  async runSearch(spec, onTrial) {
    await retire();
    searchAbort?.abort();
    const abort = new AbortController();
    searchAbort = abort;
    try {
      const info = await ensureBackend(searchBaseConfig(parseSearchSpec(spec)).backend);
      return await runSearch(spec, info, {
        loadData: (c) => loadWorkerData(c, progress),
        onTrial: (t, best) => onTrial?.(t, best),
        signal: abort.signal,
      });
    } catch (error) {
      return fail(error);
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
  describeDataset: (name) => describeDataset(name, progress).catch(fail),
  async benchmark(presetIds, request, budgetSeconds) {
    await retire();
    const info = await ensureBackend(request);
    const rows: UfmBenchRow[] = [];
    for (const id of presetIds) {
      const config = benchConfig(id);
      // A 3-step probe sizes the timed run to about budgetSeconds.
      const probe = await benchUfm({ ...config, reportEvery: 3 }, id, 3, 1);
      const rate = Math.min(probe.labStepsPerSecond, probe.bareStepsPerSecond);
      const steps = Math.max(5, Math.min(3000, Math.round(budgetSeconds * rate)));
      rows.push({
        ...(await benchUfm({ ...config, reportEvery: Math.min(100, steps) }, id, steps)),
        backend: info.backend,
      });
    }
    return rows;
  },
};

Comlink.expose(api);
