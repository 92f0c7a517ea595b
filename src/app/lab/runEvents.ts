import type { Report, RunStatus } from '../../engine/session/types';
import type { WorkerCrash, WorkerEvent } from '../../worker/protocol';
import { secondsLeft, type ProgressMark } from '../eta';
import { runRecorder } from '../runs/recorder';
import { labActions, useLab } from '../store';
import { crashMessage, describeStatus, deviceLostMessage } from './messages';
import { STARTUP_MARKS, markStartup } from '../../worker/startupMarks';

export const TERMINAL: ReadonlySet<RunStatus> = new Set([
  'completed',
  'stopped',
  'diverged',
  'failed',
]);

/** What the event handler asks of the controller. */
export interface RunEventHooks {
  /** The run ended with this status: resolve whoever waits for its end. */
  ended(status: RunStatus): void;
  /** Read the worker's result at once (not queued: the next load would replace it). */
  recordResult(): void;
}

/**
 * Puts the current run's events on the page: the store (status, reports, banners,
 * announcements, time left) and the run library's recorder. The controller hands it only the
 * events of the run on screen (by run id); this class never sees an earlier run's.
 */
export class RunEvents {
  private lastNc1: number | null = null;
  /** Where the current stretch of running began (for the time-left estimate). */
  private runningSince: ProgressMark | null = null;

  constructor(private readonly hooks: RunEventHooks) {}

  /** A new run is on screen. */
  reset(): void {
    this.lastNc1 = null;
    this.runningSince = null;
  }

  apply(event: WorkerEvent): void {
    switch (event.type) {
      case 'backend': {
        // a backend with another pool size: the tuner's note was of the last one
        const stale = (event.info.threads ?? 1) !== useLab.getState().tuning?.threads;
        useLab.setState(stale ? { backend: event.info, tuning: null } : { backend: event.info });
        break;
      }
      case 'progress':
        useLab.setState({ busy: `${event.message} (${Math.round(100 * event.fraction)} %)` });
        break;
      case 'report':
        // The time left goes out with the report the store publishes (every 100 ms), not per
        // report: a store change re-renders the page and asks every figure whether to redraw.
        labActions.report(event.report, this.timeLeft(event.report));
        markStartup(STARTUP_MARKS.reportInPage);
        runRecorder.report(event.report, event.report.totalSteps);
        this.milestones(event.report);
        break;
      case 'status':
        this.status(event.status, event.message, event.step);
        break;
      case 'checkpoint':
        runRecorder.checkpoint(event.checkpoint);
        break;
      case 'error':
        this.failed(event.message);
        break;
      case 'device-lost':
        this.failed(deviceLostMessage(event.reason, event.message));
        break;
    }
  }

  /**
   * The worker crashed: say why, and a run it held fails with that reason. Its history stays on
   * the page; the next command starts a fresh worker.
   */
  crashed(crash: WorkerCrash): void {
    const message = crashMessage(crash);
    labActions.addError(message);
    useLab.setState({ busy: null });
    const s = useLab.getState();
    if (s.loadedConfig === null || TERMINAL.has(s.status)) return;
    this.runningSince = null;
    useLab.setState({ status: 'failed', statusMessage: message, timeLeft: null });
    runRecorder.status('failed', message, s.step, s.lastReport?.totalSteps ?? 0);
    this.hooks.ended('failed');
  }

  private status(status: RunStatus, message: string | null, step: number): void {
    this.runningSince = status === 'running' ? { time: performance.now(), step } : null;
    if (status !== 'running') useLab.setState({ timeLeft: null });
    useLab.setState({
      status,
      statusMessage: message,
      step: Math.max(step, useLab.getState().step),
    });
    labActions.announce(describeStatus(status, step, message));
    // A run that ends early says why in a banner too (the status bar is easy to miss).
    if ((status === 'failed' || status === 'diverged') && message) labActions.addError(message);
    runRecorder.status(status, message, step, useLab.getState().lastReport?.totalSteps ?? 0);
    if (TERMINAL.has(status)) {
      this.hooks.recordResult();
      this.hooks.ended(status);
    }
  }

  /** An error of the run's job: a banner, and a run that was training fails with it. */
  private failed(message: string): void {
    labActions.addError(message);
    const status = useLab.getState().status;
    if (status === 'running' || status === 'paused') {
      useLab.setState({ status: 'failed', statusMessage: message });
      this.hooks.ended('failed');
    }
  }

  /** The run's time left as of this report; undefined when it is not running. */
  private timeLeft(report: Report): number | null | undefined {
    if (!this.runningSince || useLab.getState().status !== 'running') return undefined;
    const now = { time: performance.now(), step: report.step };
    return secondsLeft(this.runningSince, now, report.totalSteps);
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
}
