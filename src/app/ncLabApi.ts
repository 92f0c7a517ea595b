import type { BackendInfo, BackendRequest } from '../engine/core/backend';
import type { TunedShape } from '../engine/core/heapTuner';
import type { UfmBenchRow } from '../engine/bench/ufmBench';
import type { NetBenchRow } from '../engine/bench/netBench';
import { resolveConfig } from '../engine/config/resolve';
import type { ExperimentConfig } from '../engine/config/schema';
import type { SweepRequest, SweepResult } from '../engine/grid/sweepRunner';
import type { HistoryEntry, Report, RunStatus } from '../engine/session/types';
import type { RunResult } from '../engine/run/result';
import { ufmInitStateSchema, type UfmInitState } from '../engine/ufm/initState';
import { labClient } from './labClient';
import { createRunsApi, type NcLabRunsApi } from './runs/ncLabRuns';
import { useSweep } from './md/sweepStore';
import type { GridMemberResult, GridProgress, GridRunResult } from '../engine/grid/runner';
import type { SearchResult } from '../engine/search/protocol';
import { estimateOnPage, type PageGridEstimate } from './grid/gridEstimate';
import { gridActions, useGrid } from './grid/gridStore';
import { searchActions } from './grid/searchActions';
import { drawStats, type DrawStats } from './panels/drawScheduler';
import { useLab } from './store';
import { provideNcLab } from './ncLabEarly';

/**
 * `window.ncLab`: the regression API Playwright (and curious users in the console) drive.
 * Runs go through the page's own worker, so they also show in the panels.
 */
export interface NcLabState {
  status: RunStatus;
  step: number;
  totalSteps: number | null;
  busy: string | null;
  lastReport: Report | null;
  /** The page's (bounded) history of reported scalars, oldest first. */
  history: HistoryEntry[];
  config: ExperimentConfig;
  loadedConfig: ExperimentConfig | null;
  backend: BackendInfo | null;
  errors: string[];
  configErrors: { field: string; message: string }[] | null;
}

export interface NcLabRunOptions {
  /** A saved state in the oracle `init` format (H, fc_weights, fc_last_bias, targets). */
  init?: UfmInitState;
  /** Stop the run and reject after this many milliseconds. */
  timeoutMs?: number;
  /** Keep the run in the run library (default true; false for regression runs). */
  keep?: boolean;
}

export interface NcLabApi {
  /**
   * Resolves once the app has loaded. `window.ncLab` exists from the page's first script on (its
   * asynchronous calls wait for the app themselves); the synchronous reads need this first.
   */
  ready: Promise<void>;
  /**
   * Run a config to the end. A string is a share URL or query (`?preset=tiny-check&steps=50`);
   * an object is a partial ExperimentConfig, missing fields taken from DEFAULT_UFM_CONFIG, or
   * `{ preset: id, ...overrides }`: exactly what `npm run experiment -- --config` reads. Invalid
   * configs reject with the ConfigError message naming the fields.
   */
  run(
    configOrShareUrl: Record<string, unknown> | string,
    options?: NcLabRunOptions,
  ): Promise<RunResult>;
  /** The backend in use; with a request, the worker switches to it (falling back as usual). */
  backendInfo(request?: BackendRequest): Promise<BackendInfo>;
  /**
   * On wasm with threads: each product shape the heap tuner timed between the lab's heap kernels
   * and XNNPACK's pool, and its choice (src/engine/core/heapTuner.ts); empty on one thread.
   */
  tunedShapes(): Promise<TunedShape[]>;
  /** `npm run bench`: time preset sizes on one backend in the page's worker (ends the current run). */
  benchmark(
    presetIds: string[],
    backend: BackendRequest,
    budgetSeconds: number,
  ): Promise<UfmBenchRow[]>;
  /**
   * seed 002's noise sweep of a network config (share URL or partial config): one run per
   * loss × η × seed in the page's worker; resolves with the runs and the plot's data.
   */
  sweep(
    configOrShareUrl: Record<string, unknown> | string,
    request: SweepRequest,
  ): Promise<SweepResult>;
  /**
   * Run a grid (the same spec as `npm run grid -- --spec`) in the page's worker, one member after
   * another; it shows in the Grid panel. Members this grid finished before (kept in the run library,
   * across reloads) are not run again, and a member a reload interrupted continues from its
   * checkpoint; `completed` names the finished members instead, `fresh` runs every member again.
   * Rejects naming a bad axis or value.
   */
  grid(
    spec: unknown,
    options?: { completed?: GridMemberResult[]; fresh?: boolean },
  ): Promise<GridRunResult>;
  /**
   * A grid's member count and estimated time before it runs, from kept runs of the same kinds on
   * its backend (`text` says how); rejects above the member limit with the message a run gives.
   */
  gridEstimate(spec: unknown): Promise<PageGridEstimate>;
  /**
   * The page's grid: running or not, its progress, the members finished so far, and (once it
   * ended) the members its last run continued from a checkpoint.
   */
  gridState(): {
    running: boolean;
    progress: GridProgress | null;
    members: GridMemberResult[];
    resumed: GridRunResult['resumed'];
  };
  /** Pause, resume or cancel the running grid. */
  gridControl(action: 'pause' | 'resume' | 'stop'): Promise<void>;
  /**
   * A hyper-parameter search by seed 002's protocol (the spec of `npm run search`); `resume`
   * continues this browser's unfinished run of the same spec (as the panel's Resume search).
   */
  search(spec: unknown, options?: { resume?: boolean }): Promise<SearchResult>;
  /** `npm run bench`: network training steps per second of NET_BENCH_CASES ids on one backend. */
  benchmarkNets(ids: string[], backend: BackendRequest): Promise<NetBenchRow[]>;
  getState(): NcLabState;
  /** Plotly redraws so far: count, total and longest time (`npm run bench` reads it). */
  drawStats(): DrawStats;
  /** The form's current (valid) config. */
  config(): ExperimentConfig;
  /** The run library: kept runs, their export and import, resume. */
  runs: NcLabRunsApi;
}

declare global {
  interface Window {
    ncLab: NcLabApi;
  }
}

export function createNcLabApi(): NcLabApi {
  return {
    ready: Promise.resolve(),
    async run(input, options = {}) {
      // The CLI's own reader: a share URL or query, a partial config, or { preset, ...overrides }.
      const config = resolveConfig(input);
      const init = options.init ? ufmInitStateSchema.parse(options.init) : undefined;
      return labClient.runToEnd(config, init, options.timeoutMs, options.keep ?? true);
    },
    async sweep(input, request) {
      // The CLI's own reader: a share URL or query, a partial config, or { preset, ...overrides }.
      const config = resolveConfig(input);
      if (config.experiment !== 'net')
        throw new Error('ncLab.sweep: the sweep reruns a network config (experiment=net)');
      const result = await labClient.runSweep(config, request);
      useSweep.setState({ result, error: null });
      return result;
    },
    async grid(spec, options = {}) {
      const result = await gridActions.run(spec, options);
      if (!result) throw new Error('ncLab.grid: the grid did not run');
      return result;
    },
    gridControl: (action) => labClient.gridControl(action),
    gridEstimate: (spec) => estimateOnPage(spec),
    gridState() {
      const g = useGrid.getState();
      return {
        running: g.running,
        progress: g.progress,
        members: g.members.slice(),
        resumed: g.result?.resumed ?? [],
      };
    },
    search: (spec, options) => searchActions.run(spec, options?.resume ?? false),
    benchmarkNets: (ids, backend) => labClient.benchmarkNets(ids, backend),
    backendInfo: (request) => labClient.backendInfo(request),
    tunedShapes: () => labClient.tunedShapes(),
    benchmark: (presetIds, backend, budgetSeconds) =>
      labClient.benchmark(presetIds, backend, budgetSeconds),
    getState() {
      const s = useLab.getState();
      return {
        status: s.status,
        step: s.step,
        totalSteps: s.lastReport?.totalSteps ?? null,
        busy: s.busy,
        lastReport: s.lastReport,
        history: s.history.entries.slice(),
        config: s.config,
        loadedConfig: s.loadedConfig,
        backend: s.backend,
        errors: s.errors.map((e) => e.text),
        configErrors: s.urlIssues,
      };
    },
    drawStats,
    config: () => useLab.getState().config,
    runs: createRunsApi(),
  };
}

export function installNcLabApi(): void {
  provideNcLab(createNcLabApi());
}
