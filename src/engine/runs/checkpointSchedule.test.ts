import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendInfo } from '../core/backend';
import { resolveConfig } from '../config/resolve';
import { expectUfm } from '../config/schema';
import { ExperimentRunner } from '../run/runner';
import { UfmSession } from '../ufm/session';
import {
  AUTO_MIN_EVERY,
  CHECKPOINT_COST_TARGET,
  CheckpointSchedule,
  PRIOR_CAPTURE_MS_PER_MB,
  autoCheckpointEvery,
} from './checkpointSchedule';

/** Feed `reports` reports `intervalMs` of run time apart; the 1-based reports that were due. */
function dueReports(schedule: CheckpointSchedule, reports: number, intervalMs: number): number[] {
  const due: number[] = [];
  for (let i = 1; i <= reports; i++)
    if (schedule.report(i * intervalMs, i === reports)) due.push(i);
  return due;
}

describe('checkpoint schedule', () => {
  it('a fixed interval takes a checkpoint every k reports and at the last one; 0 takes none', () => {
    expect(dueReports(new CheckpointSchedule(3), 10, 5)).toEqual([3, 6, 9, 10]);
    expect(dueReports(new CheckpointSchedule(0), 10, 5)).toEqual([]);
  });

  it('auto keeps seed 000’s d = 2048 preset (435 ms a capture, 770 ms a report) under 5 %: one every 15 reports', () => {
    const k = autoCheckpointEvery(435, 770);
    expect(k).toBe(15);
    expect(435 / (k * 770)).toBeLessThan(0.05);
    // A cheap state keeps the floor of one every 10 reports.
    expect(autoCheckpointEvery(19, 98)).toBe(AUTO_MIN_EVERY);
    expect(autoCheckpointEvery(0, 0)).toBe(AUTO_MIN_EVERY);
  });

  it('auto sizes the first interval by the state’s bytes, then by the timed capture', () => {
    const bytes = 50e6; // a 50 MB state: ~7 s guessed at the prior rate
    const schedule = new CheckpointSchedule('auto', () => bytes);
    expect(schedule.estimatedCaptureMs()).toBeCloseTo(50 * PRIOR_CAPTURE_MS_PER_MB);
    // Reports 100 ms apart: the guess asks for ceil(7000 / 4) = 1750 reports.
    expect(dueReports(schedule, 30, 100)).toEqual([30]);
    expect(schedule.interval).toBe(Math.ceil(7000 / (CHECKPOINT_COST_TARGET * 100)));
    schedule.captured(60);
    expect(schedule.interval).toBe(15);
  });

  it('refuses an interval that is neither "auto" nor a whole number of reports', () => {
    expect(() => new CheckpointSchedule(-1)).toThrow(/"auto" or a whole number of reports.*-1/);
    expect(() => new CheckpointSchedule(2.5)).toThrow(/got 2\.5/);
  });
});

describe('the runner under checkpointEvery "auto"', () => {
  let backend: BackendInfo;
  beforeAll(async () => {
    backend = await initBackend('wasm');
  });

  it('a run whose capture costs far more than a report spaces its checkpoints so they cost under 4 %', async () => {
    const config = expectUfm(resolveConfig({ preset: 'tiny-check', steps: 4000, reportEvery: 10 }));
    const session = new UfmSession(config);
    // Run time as the schedule sees it: 1 ms a step, so 10 ms between reports; each capture
    // takes at least 20 ms, so the interval must grow to at least 20 / (0.04 · 10) = 50 reports.
    session.timing = () => ({ trainMs: session.step, measureMs: 0, stepsPerSecond: 1000 });
    const capture = session.captureState.bind(session);
    session.captureState = () => {
      const until = performance.now() + 20;
      while (performance.now() < until);
      return capture();
    };
    const steps: number[] = [];
    const runner = new ExperimentRunner(config, backend, session, {
      checkpointEvery: 'auto',
      onCheckpoint: (c) => steps.push(c.step),
    });
    await runner.run();
    runner.dispose();
    // The step-0 report counts: the first checkpoint (nothing timed, a tiny state) is the 10th report.
    expect(steps[0]).toBe(90);
    expect(steps.at(-1)).toBe(4000);
    const gaps = steps.slice(1, -1).map((s, i) => s - steps[i]);
    expect(gaps.length).toBeGreaterThan(0);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(500);
  });
});
