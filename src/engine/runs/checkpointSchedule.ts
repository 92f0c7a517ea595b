/**
 * When the runner takes a checkpoint. A fixed `every` takes one every that many reports; `'auto'`
 * (the page's default) sizes the interval so that a checkpoint's cost stays under
 * {@link CHECKPOINT_COST_TARGET} of the run time between two of them: every
 * {@link AUTO_MIN_EVERY} reports unless the state is so large against the report interval that
 * this costs more (seed 000's d = 2048 UFM: 8.8 MB, 435 ms a capture against 770 ms a report).
 */
export type CheckpointEvery = number | 'auto';

/** The share of run time a checkpoint may cost under `'auto'`, below the 5 % aim with a margin. */
export const CHECKPOINT_COST_TARGET = 0.04;

/** `'auto'` never checkpoints more often than this many reports (small runs report 40 times a second). */
export const AUTO_MIN_EVERY = 10;

/**
 * Capture cost per MB of Float32 state before a capture has been timed: read-back, base64 and
 * JSON on Node wasm cost 50–53 ms per MB of checkpoint (`npm run bench`), i.e. about 70 ms per
 * MB of raw floats; doubled, so the first guess errs on the side of fewer checkpoints.
 */
export const PRIOR_CAPTURE_MS_PER_MB = 140;

/** The smallest k with `costMs / (k · intervalMs)` at most the target, and at least AUTO_MIN_EVERY. */
export function autoCheckpointEvery(costMs: number, intervalMs: number): number {
  if (!(intervalMs > 0) || !(costMs > 0)) return AUTO_MIN_EVERY;
  return Math.max(AUTO_MIN_EVERY, Math.ceil(costMs / (CHECKPOINT_COST_TARGET * intervalMs)));
}

export class CheckpointSchedule {
  private reportsSince = 0;
  private reports = 0;
  /** Run time (training and measuring, pauses excluded) at the first report. */
  private firstRunMs: number | null = null;
  private lastRunMs = 0;
  private captureMs: number | null = null;

  /**
   * `stateBytes` estimates the state's size before the first capture is timed (the live
   * variables: parameters and optimiser slots).
   */
  constructor(
    readonly every: CheckpointEvery,
    private readonly stateBytes: () => number = () => 0,
  ) {
    if (every !== 'auto' && !(Number.isInteger(every) && every >= 0))
      throw new Error(
        `checkpointEvery must be "auto" or a whole number of reports (0: none), got ${String(every)}`,
      );
  }

  get enabled(): boolean {
    return this.every === 'auto' || this.every > 0;
  }

  /** Reports between checkpoints now in force. */
  get interval(): number {
    if (this.every !== 'auto') return this.every;
    return autoCheckpointEvery(this.estimatedCaptureMs(), this.reportIntervalMs());
  }

  /** Mean run time between two reports so far (0 before the second report). */
  reportIntervalMs(): number {
    if (this.firstRunMs === null || this.reports < 2) return 0;
    return (this.lastRunMs - this.firstRunMs) / (this.reports - 1);
  }

  /** The last capture's time, or a guess from the state's size before one was timed. */
  estimatedCaptureMs(): number {
    return this.captureMs ?? (this.stateBytes() / 1e6) * PRIOR_CAPTURE_MS_PER_MB;
  }

  /**
   * A report was taken at `runMs` of run time (the session's training plus measuring time).
   * True when a checkpoint is due: `interval` reports since the last one, or the run's end.
   */
  report(runMs: number, last: boolean): boolean {
    if (!this.enabled) return false;
    this.firstRunMs ??= runMs;
    this.lastRunMs = runMs;
    this.reports++;
    this.reportsSince++;
    if (this.reportsSince < this.interval && !last) return false;
    this.reportsSince = 0;
    return true;
  }

  /** A checkpoint took `ms` to capture: the next interval is sized by it. */
  captured(ms: number): void {
    this.captureMs = ms;
  }
}
