import type { BackendInfo, BackendRequest } from '../engine/backend';
import type { UfmBenchRow } from '../engine/bench/ufmBench';
import type { NetBenchRow } from '../engine/bench/netBench';
import { parseConfig, type ExperimentConfig } from '../engine/config/schema';
import { parseQuery } from '../engine/config/url';
import type { SweepRequest, SweepResult } from '../engine/md/sweepRunner';
import type { HistoryEntry, Report, RunResult, RunStatus } from '../engine/types';
import { ufmInitStateSchema, type UfmInitState } from '../engine/ufm/initState';
import { labClient } from './labClient';
import { createRunsApi, type NcLabRunsApi } from './runs/ncLabRuns';
import { useSweep } from './md/sweepStore';
import { useLab } from './store';

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
   * Run a config to the end. A string is a share URL or query (`?preset=tiny-check&steps=50`);
   * an object is a partial ExperimentConfig, missing fields taken from DEFAULT_UFM_CONFIG. Invalid
   * configs reject with the ConfigError message naming the fields.
   */
  run(
    configOrShareUrl: Record<string, unknown> | string,
    options?: NcLabRunOptions,
  ): Promise<RunResult>;
  /** The backend in use; with a request, the worker switches to it (falling back as usual). */
  backendInfo(request?: BackendRequest): Promise<BackendInfo>;
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
  /** `npm run bench`: network training steps per second of NET_BENCH_CASES ids on one backend. */
  benchmarkNets(ids: string[], backend: BackendRequest): Promise<NetBenchRow[]>;
  getState(): NcLabState;
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
    async run(input, options = {}) {
      const config = typeof input === 'string' ? parseQuery(input).config : parseConfig(input);
      const init = options.init ? ufmInitStateSchema.parse(options.init) : undefined;
      return labClient.runToEnd(config, init, options.timeoutMs, options.keep ?? true);
    },
    async sweep(input, request) {
      const config = typeof input === 'string' ? parseQuery(input).config : parseConfig(input);
      if (config.experiment !== 'net')
        throw new Error('ncLab.sweep: the sweep reruns a network config (experiment=net)');
      const result = await labClient.runSweep(config, request);
      useSweep.setState({ result, error: null });
      return result;
    },
    benchmarkNets: (ids, backend) => labClient.benchmarkNets(ids, backend),
    backendInfo: (request) => labClient.backendInfo(request),
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
    config: () => useLab.getState().config,
    runs: createRunsApi(),
  };
}

export function installNcLabApi(): void {
  window.ncLab = createNcLabApi();
}
