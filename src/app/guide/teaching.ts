// Teaching mode's pause logic, kept free of React so it can be tested: which step's pause point a
// run has reached, and the unit pause points count in (UFM steps, network epochs).
import type { GuideStep } from '../../engine/config/presetGuides';
import type { Report } from '../../engine/session/types';

/** Where a report is, in the unit of pauseAt: UFM step, or network epoch. */
export function reportUnit(report: Pick<Report, 'step' | 'shape'>): number {
  return report.step / Math.max(1, report.shape.stepsPerUnit);
}

/**
 * The index of the last step whose pause point the run has reached and that has not paused the
 * run yet, or null. Later points win: a run that jumped past two points pauses once, on the later.
 */
export function duePause(
  steps: readonly GuideStep[],
  done: ReadonlySet<number>,
  unit: number,
): number | null {
  let due: number | null = null;
  steps.forEach((s, i) => {
    if (s.pauseAt !== undefined && unit >= s.pauseAt && !done.has(i)) due = i;
  });
  return due;
}

/**
 * The optimiser step of the earliest pause point still ahead of the run (not used yet and past
 * `step`), or null: the worker pauses there by itself, whatever the page is busy with.
 */
export function nextPauseStep(
  steps: readonly GuideStep[],
  done: ReadonlySet<number>,
  step: number,
  stepsPerUnit: number,
): number | null {
  const ahead = steps
    .filter((s, i) => s.pauseAt !== undefined && !done.has(i))
    .map((s) => (s.pauseAt as number) * stepsPerUnit)
    .filter((at) => at > step);
  return ahead.length ? Math.min(...ahead) : null;
}

/** The text that tells the user where the next pause is, or null when none is left. */
export function nextPauseNote(
  steps: readonly GuideStep[],
  from: number,
  unitName: string,
): string | null {
  const next = steps.findIndex((s, i) => i > from && s.pauseAt !== undefined);
  if (next < 0) return null;
  return `Start or resume the run: teaching mode pauses it at ${unitName} ${steps[next].pauseAt} (step ${next + 1} of ${steps.length}).`;
}
