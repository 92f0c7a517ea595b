/** Where a run stood at a moment: for the time-left estimate of the status bar. */
export interface ProgressMark {
  /** ms (performance.now()). */
  time: number;
  step: number;
}

/** Below this much observed running time the rate is too noisy to extrapolate. */
const MIN_OBSERVED_MS = 3000;

/**
 * Seconds left to `total` steps at the rate seen between two marks of the same uninterrupted
 * stretch of running (measurements included, as the user waits for them); null until there is a
 * rate worth trusting.
 */
export function secondsLeft(since: ProgressMark, now: ProgressMark, total: number): number | null {
  const ms = now.time - since.time;
  const steps = now.step - since.step;
  if (ms < MIN_OBSERVED_MS || steps <= 0 || now.step >= total) return null;
  return ((total - now.step) * ms) / steps / 1000;
}

/** "about 40 s", "about 3 min", "about 1 h 20 min". */
export function formatTimeLeft(seconds: number): string {
  if (seconds < 60) return `about ${Math.max(1, Math.round(seconds / 5) * 5)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `about ${h} h ${m} min` : `about ${h} h`;
}
