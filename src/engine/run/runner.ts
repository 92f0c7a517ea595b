import * as tf from '@tensorflow/tfjs-core';
import { onGpuError, type BackendInfo } from '../core/backend';
import { SCHEMA_VERSION, type ExperimentConfig } from '../config/schema';
import type { MetricSet } from '../metrics';
import { reportEntries, splitTwin, type BaseReportKey } from '../metrics/reportKeys';
import type { Breakdown, HistoryEntry, MemoryUse, Report, RunStatus } from '../session/types';
import type { RunResult } from './result';
import type { TrainingSession } from '../session/trainingSession';
import { createSession, type SessionSources } from './sessions';
import type { UfmTheory } from '../ufm/theory';
import { APP_VERSION } from '../core/version';
import { makeCheckpoint, type Checkpoint } from '../session/checkpoint';
import { CheckpointSchedule, type CheckpointEvery } from '../runs/checkpointSchedule';
import type { ExportFile } from '../nets/featureExport';
import type { UfmInitState } from '../ufm/initState';
import { UfmSession } from '../ufm/session';

export interface RunnerEvents {
  onReport?(report: Report): void;
  onStatus?(status: RunStatus, message: string | null): void;
  /** A checkpoint taken every `checkpointEvery` reports (and at the end of a run). */
  onCheckpoint?(checkpoint: Checkpoint): void;
  /**
   * Reports between checkpoints (0 or absent: none are taken); `'auto'` sizes it so that
   * checkpoints cost under 5 % of the run (src/engine/runs/checkpointSchedule.ts).
   */
  checkpointEvery?: CheckpointEvery;
}

/** A loss this large means the run has blown up even while it is still finite. */
const DIVERGED_LOSS = 1e20;

/**
 * A run that breaks is replayed (from its seed, deterministically) to its last finite state only
 * when it has trained for less than this: beyond it, the last report stands as that state.
 */
const REPLAY_BUDGET_MS = 20_000;

/** Keep each uninterrupted burst of steps short, so pause/stop messages are seen promptly. */
const SLICE_TARGET_MS = 60;

/**
 * The experiment loop: train in slices, measure every `reportEvery` steps, and obey
 * start / pause / resume / single step / stop. The worker, the CLI and the tests all drive it.
 */
export class ExperimentRunner {
  status: RunStatus = 'idle';
  message: string | null = null;
  readonly history: HistoryEntry[] = [];
  lastReport: Report | null = null;
  /** Where a diverged or failed run broke, and its last finite state (null while it has not). */
  breakdown: Breakdown | null = null;
  readonly theory: UfmTheory | null;
  /** The last step known to have a finite loss, and that loss (from slices and reports). */
  private lastFinite: { step: number; loss: number } | null = null;
  /** Timing of the run as trained, kept when a replay replaces the session. */
  private timingAtBreak: ReturnType<TrainingSession<UfmTheory>['timing']> | null = null;
  private sliceSteps = 1;
  /** A step at which the run pauses by itself (teaching mode's pause points), reported there. */
  private breakAt: number | null = null;
  private wake: (() => void) | null = null;
  private readonly checkpoints: CheckpointSchedule;
  private busy: Promise<void> = Promise.resolve();
  private readonly unwatchGpu: (() => void) | null;

  constructor(
    readonly config: ExperimentConfig,
    readonly backend: BackendInfo,
    private session: TrainingSession<UfmTheory>,
    private readonly events: RunnerEvents = {},
    /** A fresh session of the same config and sources (replays a broken run to its last finite state). */
    private readonly fresh?: () => Promise<TrainingSession<UfmTheory>>,
  ) {
    this.theory = session.theory;
    this.unwatchGpu = onGpuError((message) => this.gpuFailed(message));
    this.checkpoints = new CheckpointSchedule(
      events.onCheckpoint ? (events.checkpointEvery ?? 0) : 0,
      variableBytes,
    );
  }

  /** Reports between checkpoints now in force (0: none are taken). */
  get checkpointInterval(): number {
    return this.checkpoints.enabled ? this.checkpoints.interval : 0;
  }

  /** Build the session the config asks for (loading its data), then the runner around it. */
  static async create(
    config: ExperimentConfig,
    backend: BackendInfo,
    sources: SessionSources = {},
    events: RunnerEvents = {},
  ): Promise<ExperimentRunner> {
    const make = () => createSession(config, sources);
    return new ExperimentRunner(config, backend, await make(), events, make);
  }

  get step(): number {
    return this.session.step;
  }

  /** Run to the configured number of steps (or until stopped); resolves with the result. */
  async run(): Promise<RunResult> {
    if (this.status === 'running') throw new Error('already running');
    if (this.status === 'failed') return this.result();
    await this.measureInitial();
    this.setStatus('running');
    while (!this.finished() && this.isLive()) {
      if (this.status === 'paused') {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      await this.exclusive(() => this.advance());
    }
    if (this.isRunning()) this.setStatus('completed');
    return this.result();
  }

  pause(): void {
    if (this.status === 'running') this.setStatus('paused');
  }

  /**
   * Pause exactly at `step` (null clears it): slices stop there and the state is reported, so a
   * pause point does not depend on how fast the page reacts to reports.
   */
  pauseAt(step: number | null): void {
    this.breakAt = step !== null && step > this.session.step ? step : null;
  }

  resume(): void {
    if (this.status !== 'paused') return;
    this.setStatus('running');
    this.wakeUp();
  }

  stop(): void {
    if (!this.isLive() && this.status !== 'idle') return;
    this.setStatus('stopped');
    this.wakeUp();
  }

  /** The report of the current state (step 0 before any training), measured once. */
  async measureInitial(): Promise<Report> {
    if (!this.lastReport) await this.exclusive(() => this.report('core'));
    return this.lastReport as Report;
  }

  /** One optimiser step and a report, while paused or before starting. */
  async stepOnce(): Promise<Report | null> {
    if (this.status === 'running' || !this.canStep()) return null;
    await this.exclusive(async () => {
      const from = this.session.step;
      const loss = await this.session.train(1);
      if (isBroken(loss)) return this.diverged(loss);
      this.noteFinite(from, loss);
      await this.report('core');
    });
    return this.lastReport;
  }

  /**
   * The state to continue from, taken between steps (null when this kind of run cannot be
   * checkpointed). `runId` names the run library's record it belongs to.
   */
  async checkpoint(runId: string | null = null): Promise<Checkpoint | null> {
    let taken: Checkpoint | null = null;
    await this.exclusive(async () => {
      taken = await this.capture(runId);
    });
    return taken;
  }

  private async capture(runId: string | null): Promise<Checkpoint | null> {
    if (!this.session.captureState) return null;
    const state = await this.session.captureState();
    const { trainMs, measureMs } = this.session.timing();
    return makeCheckpoint({
      runId,
      createdAt: new Date().toISOString(),
      config: this.config,
      step: this.session.step,
      timing: { trainMs, measureMs },
      state,
    });
  }

  /** The session itself (tests that look inside a run). */
  get sessionHandle(): TrainingSession<UfmTheory> {
    return this.session;
  }

  /** A UFM's current state as an initial state (null for other experiments). */
  async snapshot(): Promise<UfmInitState | null> {
    return this.session instanceof UfmSession ? this.session.snapshot() : null;
  }

  /**
   * The penultimate features of a network run's head layer as `.npy` files (a paired run gives its
   * main member's); throws for a UFM, which has no inputs to take features of.
   */
  async exportFeatures(headLayer: number): Promise<ExportFile[]> {
    // Loaded on demand, as sessions.ts loads the network code: a UFM page never fetches it.
    const [{ featureExportFiles }, { PairedSession }, { NetSession }] = await Promise.all([
      import('../nets/featureExport'),
      import('../nets/paired'),
      import('../nets/session'),
    ]);
    const session = this.session;
    const net = session instanceof PairedSession ? session.mainSession : session;
    if (!(net instanceof NetSession)) throw new Error('feature export takes a network run');
    return featureExportFiles(await net.exportFeatures(headLayer));
  }

  result(): RunResult {
    return {
      schemaVersion: SCHEMA_VERSION,
      app: { name: 'nc-lab', version: APP_VERSION },
      config: this.config,
      backend: this.backend,
      status: this.status,
      message: this.message,
      history: this.history,
      final: this.lastReport,
      theory: this.theory,
      timing: this.timingAtBreak ?? this.session.timing(),
      breakdown: this.breakdown,
    };
  }

  dispose(): void {
    this.stop();
    this.unwatchGpu?.();
    this.session.dispose();
  }

  /**
   * WebGPU reported an error nothing caught: a kernel may have left its output unwritten, so
   * nothing computed since can be trusted. Stop the run (once) saying so; the history is kept.
   */
  private gpuFailed(gpuMessage: string): void {
    if (!this.isLive() && this.status !== 'idle') return;
    const at = this.session.step;
    const last = this.lastReport?.step ?? 0;
    this.breakdown = { step: at, lastFiniteStep: last, lastFiniteLoss: this.lastLoss() };
    this.setStatus(
      'failed',
      `WebGPU reported an error by step ${at}, so results from then on cannot be trusted: ` +
        `${gpuMessage.split('\n')[0].replace(/\.$/, '')}. The run stopped; its history is kept. ` +
        'Run it on the wasm backend, or report the message.',
    );
    this.wakeUp();
  }

  private async advance(): Promise<void> {
    const { reportEvery, totalSteps: steps } = this.session;
    const step = this.session.step;
    const toReport = reportEvery - (step % reportEvery);
    const toBreak = this.breakAt !== null ? this.breakAt - step : Infinity;
    const n = Math.max(1, Math.min(toReport, steps - step, this.sliceSteps, toBreak));
    const start = performance.now();
    const loss = await this.session.train(n);
    this.tuneSlice(n, performance.now() - start);
    if (isBroken(loss)) return this.diverged(loss);
    // train(n) returns the loss before its last step: the state one step back was finite.
    this.noteFinite(this.session.step - 1, loss);
    const done = this.finished();
    const atBreak = this.breakAt !== null && this.session.step >= this.breakAt;
    if (this.session.step % reportEvery === 0 || done || atBreak)
      await this.report(done ? 'full' : 'core');
    if (atBreak) {
      this.breakAt = null;
      if (!done) this.pause();
    }
    // Always let pause/stop messages in between slices, reports included.
    await yieldToEventLoop();
  }

  private async report(set: MetricSet): Promise<void> {
    let report: Report;
    try {
      report = await this.session.measure(set);
    } catch (error) {
      // Metrics of a blown-up state (huge or non-finite parameters) can fail; keep the history.
      const loss = await this.session.currentLoss().catch(() => NaN);
      if (isBroken(loss)) return this.diverged(loss);
      const message = error instanceof Error ? error.message : String(error);
      const at = this.session.step;
      const last = this.lastReport?.step ?? 0;
      this.breakdown = { step: at, lastFiniteStep: last, lastFiniteLoss: this.lastLoss() };
      this.setStatus(
        'failed',
        `Measuring step ${at} failed: ${message}. The run stopped; its history is kept up to step ${last}.`,
      );
      return;
    }
    const loss = report.metrics.loss;
    const broken = typeof loss === 'number' && isBroken(loss);
    // A broken state is not recorded: the last finite one stands (found by diverged). Only a
    // run broken from its first state (step 0) has nothing better to show.
    if (broken && this.lastReport) return this.diverged(loss);
    report.memory = memoryUse();
    this.lastReport = report;
    this.history.push({ step: report.step, metrics: scalarMetrics(report.metrics) });
    this.noteFinite(report.step, typeof loss === 'number' ? loss : NaN);
    this.events.onReport?.(report);
    if (broken) return this.diverged(loss);
    await this.maybeCheckpoint();
  }

  /** When the schedule says so, and at the last step, hand a checkpoint to onCheckpoint. */
  private async maybeCheckpoint(): Promise<void> {
    const { trainMs, measureMs } = this.session.timing();
    const last = this.session.step >= this.session.totalSteps;
    if (!this.events.onCheckpoint || !this.checkpoints.report(trainMs + measureMs, last)) return;
    const start = performance.now();
    const checkpoint = await this.capture(null);
    this.checkpoints.captured(performance.now() - start);
    if (checkpoint) this.events.onCheckpoint(checkpoint);
  }

  private noteFinite(step: number, loss: number): void {
    if (!isBroken(loss) && step >= (this.lastFinite?.step ?? -1)) this.lastFinite = { step, loss };
  }

  private lastLoss(): number | null {
    const loss = this.lastReport?.metrics.loss;
    return typeof loss === 'number' && !isBroken(loss) ? loss : null;
  }

  /**
   * The loss went non-finite (or huge) after the last step known finite. Record where, and make the
   * last finite state the run's last report: when that state was never measured (a run that
   * breaks before its first report), replay the run from its seed to find the exact step, and
   * measure the state just before it.
   */
  private async diverged(loss: number): Promise<void> {
    const seenAt = this.session.step;
    this.timingAtBreak = this.session.timing();
    const reported = this.lastReport?.step ?? -1;
    let broke = seenAt;
    if (this.fresh && this.lastFinite && seenAt - reported > 1) {
      const found = await this.replayToLastFinite(this.lastFinite.step, seenAt).catch(() => null);
      if (found !== null) broke = found + 1;
    }
    const last = this.lastReport;
    const lastFiniteStep = last && last.step < broke ? last.step : Math.max(0, broke - 1);
    this.breakdown = { step: broke, lastFiniteStep, lastFiniteLoss: this.lastLoss() };
    const kept = last
      ? ` The last finite state (step ${last.step}, loss ${fmtLoss(this.lastLoss())}) is kept and shown.`
      : '';
    this.setStatus(
      'diverged',
      `Training diverged at step ${broke}: the loss became ${loss}.${kept} Try a smaller learning rate.`,
    );
  }

  /**
   * Replay a fresh session to the last step before the loss breaks (searched one step at a time
   * from `from`, at most to `to`), measure it, and make it the run's session. Returns that step,
   * or null when the replay is too long or does not break where the run did.
   */
  private async replayToLastFinite(from: number, to: number): Promise<number | null> {
    if (!this.fresh || (this.timingAtBreak?.trainMs ?? Infinity) > REPLAY_BUDGET_MS) return null;
    let last = from;
    const probe = await this.fresh();
    try {
      // A resumed run's fresh session starts at its checkpoint, not at step 0.
      if (from > probe.step) await probe.train(from - probe.step);
      while (probe.step < to) {
        await probe.train(1);
        if (isBroken(await probe.currentLoss())) break;
        last = probe.step;
      }
    } finally {
      probe.dispose();
    }
    if (last === (this.lastReport?.step ?? -1)) return last; // that state is measured already
    const replay = await this.fresh();
    try {
      if (last > replay.step) await replay.train(last - replay.step);
      if (isBroken(await replay.currentLoss()))
        throw new Error('the replay did not reproduce the run');
    } catch (error) {
      replay.dispose();
      throw error;
    }
    this.session.dispose();
    this.session = replay;
    await this.report('core');
    return last;
  }

  private tuneSlice(n: number, ms: number): void {
    const perStep = ms / n;
    const target = perStep > 0 ? Math.floor(SLICE_TARGET_MS / perStep) : this.sliceSteps * 2;
    this.sliceSteps = Math.max(1, Math.min(this.session.reportEvery, target));
  }

  private finished(): boolean {
    return this.session.step >= this.session.totalSteps || !!this.session.finishedEarly?.();
  }

  private setStatus(status: RunStatus, message: string | null = null): void {
    this.status = status;
    if (message !== null) this.message = message;
    this.events.onStatus?.(status, this.message);
  }

  private isRunning(): boolean {
    return this.status === 'running';
  }

  private isLive(): boolean {
    return this.status === 'running' || this.status === 'paused';
  }

  private canStep(): boolean {
    return this.status === 'idle' || this.status === 'paused';
  }

  private wakeUp(): void {
    this.wake?.();
    this.wake = null;
  }

  /** Serialise access to the session: a single step never interleaves with the loop. */
  private exclusive(task: () => Promise<void> | void): Promise<void> {
    const next = this.busy.then(task);
    this.busy = next.catch(() => undefined);
    return next;
  }
}

/** Bytes of every live tf variable: a session's parameters and optimiser slots. */
function variableBytes(): number {
  let bytes = 0;
  for (const v of Object.values(tf.engine().registeredVariables)) bytes += 4 * v.size;
  return bytes;
}

function isBroken(loss: number): boolean {
  return !Number.isFinite(loss) || Math.abs(loss) > DIVERGED_LOSS;
}

function fmtLoss(loss: number | null): string {
  return loss === null ? 'unknown' : loss.toPrecision(4);
}

/**
 * History keeps scalars and per-layer arrays; class means and d×d blocks stay in the report
 * (the run library keeps the same).
 */
const HEAVY_KEYS = new Set<BaseReportKey>([
  'class_means',
  'global_mean',
  'global_mean_unweighted',
  'sigma_w',
  'sigma_b',
  'md_uncorrupted_means',
  'md_corrupted_means',
]);

export function scalarMetrics(metrics: Report['metrics']): Report['metrics'] {
  return Object.fromEntries(
    reportEntries(metrics).filter(([k]) => !HEAVY_KEYS.has(splitTwin(k).base)),
  );
}

/** tfjs's own accounting; GPU backends add their buffer totals to tf.memory(). */
function memoryUse(): MemoryUse {
  const m = tf.memory() as tf.MemoryInfo & {
    numBytesInGPU?: number;
    numBytesInGPUAllocated?: number;
    numBytesAllocatedInGPU?: number;
  };
  return {
    bytes: m.numBytes,
    gpuBytes: m.numBytesInGPU ?? null,
    gpuAllocatedBytes: m.numBytesAllocatedInGPU ?? m.numBytesInGPUAllocated ?? null,
  };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Run one experiment to the end; the CLI, `window.ncLab.run` and the tests use this. */
export async function runExperiment(
  config: ExperimentConfig,
  backend: BackendInfo,
  options: SessionSources & { events?: RunnerEvents; signal?: AbortSignal } = {},
): Promise<RunResult> {
  const runner = await ExperimentRunner.create(config, backend, options, options.events);
  const abort = () => runner.stop();
  options.signal?.addEventListener('abort', abort);
  try {
    return await runner.run();
  } finally {
    options.signal?.removeEventListener('abort', abort);
    runner.dispose();
  }
}
