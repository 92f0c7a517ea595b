import type { ThreadChoice } from '../engine/run/wasmThreads';
import { create } from 'zustand';
import type { BackendInfo } from '../engine/core/backend';
import type { TunedShape } from '../engine/core/heapTuner';
import { DEFAULT_PRESET_ID, PRESETS, findPreset } from '../engine/config/presets';
import {
  DEFAULT_UFM_CONFIG,
  defaultsFor,
  type ExperimentConfig,
  type ExperimentKind,
} from '../engine/config/schema';
import type { Report, RunStatus } from '../engine/session/types';
import type { UfmTheory } from '../engine/ufm/theory';
import {
  configToDraft,
  draftToConfig,
  sameConfig,
  type Draft,
  type FieldErrors,
  type FieldName,
} from './formModel';
import { ReportHistory } from './history';

export interface LabError {
  id: number;
  text: string;
}

export interface ConfigIssue {
  field: string;
  message: string;
}

/** How many product shapes the heap tuner keeps on the heap kernels and sends to the pool. */
export interface TuningSummary {
  threads: number;
  heap: number;
  pool: number;
}

/** The decided shapes of the pool size in use, counted by where they run (null: none decided). */
export function summariseTuning(shapes: TunedShape[], threads: number): TuningSummary | null {
  const decided = shapes.filter((t) => t.threads === threads && t.choice !== null);
  if (threads <= 1 || decided.length === 0) return null;
  const heap = decided.filter((t) => t.choice === 'heap').length;
  return { threads, heap, pool: decided.length - heap };
}

export interface LabState {
  /** The last valid config from the form (what Start, the URL and "Copy link" use). */
  config: ExperimentConfig;
  /** The preset the config equals, if any. */
  presetId: string | null;
  draft: Draft;
  fieldErrors: FieldErrors;
  /** Problems found in the page URL at load (shown in the config-error banner). */
  urlIssues: ConfigIssue[] | null;

  /** The config of the run the worker holds, and where its init came from. */
  loadedConfig: ExperimentConfig | null;
  loadedFrom: 'seed' | 'state';
  status: RunStatus;
  statusMessage: string | null;
  /** What the lab is waiting for ("Initialising backend…"), null when ready. */
  busy: string | null;
  /**
   * A run is being built (on a first visit, the worker and its backend too): Start is queued
   * behind it rather than refused, as a user (or a script) pressing Start at once expects.
   */
  loading: boolean;
  /** Start was pressed while the run was being built: it starts as soon as the run is ready. */
  startQueued: boolean;
  step: number;
  lastReport: Report | null;
  /** Estimated seconds to the end of a running run (null when not running or not known yet). */
  timeLeft: number | null;
  theory: UfmTheory | null;
  /** Bounded history (mutated in place; `historyVersion` changes with it). */
  history: ReportHistory;
  historyVersion: number;
  backend: BackendInfo | null;
  /** The wasm backend's threads asked for (the address's `threads`; auto: by each run's size). */
  threads: ThreadChoice;
  /**
   * With wasm's thread pool, where the heap tuner sent the product shapes it has decided so far
   * (src/engine/core/heapTuner.ts), read after each run; null on one thread.
   */
  tuning: TuningSummary | null;
  errors: LabError[];
  /** Polite screen-reader announcements (status changes, milestones). */
  announcement: string;
}

export const defaultPreset = findPreset(DEFAULT_PRESET_ID) ?? PRESETS[0];
const initialConfig = defaultPreset?.config ?? DEFAULT_UFM_CONFIG;

export const useLab = create<LabState>()(() => ({
  config: initialConfig,
  presetId: defaultPreset?.id ?? null,
  draft: configToDraft(initialConfig),
  fieldErrors: {},
  urlIssues: null,
  loadedConfig: null,
  loadedFrom: 'seed',
  status: 'idle',
  statusMessage: null,
  busy: 'Starting the training worker…',
  loading: true,
  startQueued: false,
  step: 0,
  lastReport: null,
  timeLeft: null,
  theory: null,
  threads: 'auto',
  tuning: null,
  history: new ReportHistory(),
  historyVersion: 0,
  backend: null,
  errors: [],
  announcement: '',
}));

let errorId = 0;

export const labActions = {
  /** Replace the whole config (preset, URL, loaded state). */
  setConfig(config: ExperimentConfig, presetId: string | null = matchPreset(config)): void {
    useLab.setState({ config, presetId, draft: configToDraft(config), fieldErrors: {} });
  },

  /** Switch the form to another experiment kind: its first preset, else its defaults. */
  setExperiment(kind: ExperimentKind): void {
    if (useLab.getState().config.experiment === kind) return;
    const preset = PRESETS.find((p) => p.config.experiment === kind && p.starter);
    if (preset) labActions.setConfig(preset.config, preset.id);
    else labActions.setConfig(defaultsFor(kind));
  },

  /** One form field changed: keep the text, validate the whole draft through the schema. */
  editField(name: FieldName, text: string): void {
    const state = useLab.getState();
    const draft = { ...state.draft, [name]: text };
    const { config, errors } = draftToConfig(draft, state.config);
    if (config)
      useLab.setState({ draft, fieldErrors: errors, config, presetId: matchPreset(config) });
    else useLab.setState({ draft, fieldErrors: errors });
  },

  /** A link's refused fields: their text back in the form, with the link's message as the error. */
  showRejectedFields(rejected: Record<string, string>, issues: ConfigIssue[]): void {
    const { draft, fieldErrors } = useLab.getState();
    const fields = Object.keys(rejected).filter((f) => f !== 'experiment' && f in draft);
    if (!fields.length) return;
    const message = (f: string) =>
      issues
        .filter((i) => i.field === f || i.field.startsWith(`${f}.`))
        .map((i) => i.message)
        .join('; ');
    useLab.setState({
      draft: { ...draft, ...Object.fromEntries(fields.map((f) => [f, rejected[f]])) },
      fieldErrors: {
        ...fieldErrors,
        ...Object.fromEntries(fields.map((f) => [f, `from the link: ${message(f)}`])),
      },
    });
  },

  addError(text: string): void {
    const errors = useLab.getState().errors;
    if (errors.some((e) => e.text === text)) return;
    useLab.setState({ errors: [...errors, { id: ++errorId, text }].slice(-5) });
  },

  dismissError(id: number): void {
    useLab.setState({ errors: useLab.getState().errors.filter((e) => e.id !== id) });
  },

  announce(text: string): void {
    useLab.setState({ announcement: text });
  },

  /**
   * A report arrived from the worker: the history takes it at once, the charts learn of it at
   * most every HISTORY_PUBLISH_MS, and the rest of the page (counters, tables) at most every
   * PAGE_PUBLISH_MS, with the latest report and `timeLeft` (the run's time left as of this
   * report, when it is running).
   */
  report(report: Report, timeLeft?: number | null): void {
    const { history } = useLab.getState();
    history.push({ step: report.step, metrics: report.metrics });
    publishReport(report, timeLeft);
  },

  resetRun(config: ExperimentConfig, from: 'seed' | 'state'): void {
    const { history } = useLab.getState();
    history.clear();
    pendingReport = null;
    useLab.setState({
      loadedConfig: config,
      loadedFrom: from,
      status: 'idle',
      statusMessage: null,
      step: 0,
      lastReport: null,
      timeLeft: null,
      theory: null,
      historyVersion: history.version,
    });
  },
};

/**
 * The charts learn of new reports at most this often. They watch the store outside React and
 * each waits for its turn in the draw queue (panels/drawScheduler.ts), so telling them costs
 * next to nothing.
 */
export const HISTORY_PUBLISH_MS = 100;
/**
 * The counters, tables and status bar show the newest report at most this often, and at once
 * when the last one is older. Each time costs React's render and a layout and paint of the
 * page: 10–25 ms in a trace of a run here (2 cores), so at 100 ms it alone kept the main thread
 * 15–20 % busy, and a run of a second or two at 31–37 % with the charts (docs/speed-log.md,
 * "The page's main thread while training"). A number that changes four times a second is still
 * read live.
 */
export const PAGE_PUBLISH_MS = 250;
let pendingReport: Report | null = null;
let pendingTimeLeft: number | null | undefined;
let lastPublished = -Infinity;
let lastHistoryPublished = -Infinity;
let publishTimer: ReturnType<typeof setTimeout> | undefined;
let historyTimer: ReturnType<typeof setTimeout> | undefined;

function publishReport(report: Report, timeLeft: number | null | undefined): void {
  pendingReport = report;
  pendingTimeLeft = timeLeft;
  if (publishTimer === undefined) {
    const wait = lastPublished + PAGE_PUBLISH_MS - performance.now();
    if (wait <= 0) flushReport();
    else publishTimer = setTimeout(flushReport, wait);
  }
  if (historyTimer === undefined && historyBehind()) {
    const wait = lastHistoryPublished + HISTORY_PUBLISH_MS - performance.now();
    if (wait <= 0) flushHistory();
    else historyTimer = setTimeout(flushHistory, wait);
  }
}

function historyBehind(): boolean {
  const { history, historyVersion } = useLab.getState();
  return history.version !== historyVersion;
}

function flushHistory(): void {
  historyTimer = undefined;
  if (!historyBehind()) return;
  lastHistoryPublished = performance.now();
  useLab.setState({ historyVersion: useLab.getState().history.version });
}

function flushReport(): void {
  publishTimer = undefined;
  const report = pendingReport;
  if (!report) return;
  pendingReport = null;
  lastPublished = lastHistoryPublished = performance.now();
  const { history } = useLab.getState();
  useLab.setState({
    lastReport: report,
    step: report.step,
    historyVersion: history.version,
    // A run that has just stopped keeps the null its status set.
    ...(pendingTimeLeft !== undefined && useLab.getState().status === 'running'
      ? { timeLeft: pendingTimeLeft }
      : {}),
  });
}

// A run that ends, pauses or fails shows its last report together with its new status.
useLab.subscribe((s, prev) => {
  if (s.status !== prev.status && pendingReport) {
    clearTimeout(publishTimer);
    flushReport();
  }
});

export function matchPreset(config: ExperimentConfig): string | null {
  return PRESETS.find((p) => sameConfig(p.config, config))?.id ?? null;
}

/** True when the form is valid (Start and Step may run). */
export function formValid(s: LabState): boolean {
  return Object.keys(s.fieldErrors).length === 0;
}

/** The form differs from the run the worker holds: Start/Step will reload first. */
export function configPending(s: LabState): boolean {
  return !sameConfig(s.config, s.loadedConfig);
}
