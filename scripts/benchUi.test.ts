import { describe, expect, it } from 'vitest';
import { summariseUi, type UiBenchRow } from './benchUi';

const row = (preset: string, busy: number, longest: number, behind: number): UiBenchRow => ({
  preset,
  seconds: 1,
  busyMs: 1000 * busy,
  busyFraction: busy,
  cpuMs: 0,
  cpuFraction: 0,
  longTasks: longest > 50 ? 1 : 0,
  longestTaskMs: longest,
  reports: 10,
  steps: 100,
  maxReportsBehind: 2 * behind,
  meanReportsBehind: behind,
  draws: 5,
  meanDrawMs: 8,
  maxDrawMs: 20,
  meanRenderMs: 2,
});

describe('summariseUi: each preset over its runs', () => {
  it('gives the median busy share and its range, the longest task of all runs, per preset in first-seen order', () => {
    const rows = [
      row('teach-deep-m3', 0.22, 53, 18),
      row('net-gauss-tiny', 0.31, 51, 6),
      row('teach-deep-m3', 0.3, 40, 20),
      row('net-gauss-tiny', 0.2, 90, 5),
      row('teach-deep-m3', 0.16, 61, 17),
    ];
    const [deep, tiny] = summariseUi(rows);
    expect(deep).toEqual({
      preset: 'teach-deep-m3',
      runs: 3,
      busyMedian: 0.22,
      busyMin: 0.16,
      busyMax: 0.3,
      longestTaskMs: 61,
      meanReportsBehindMedian: 18,
    });
    // an even count: the mean of the middle two
    expect(tiny.preset).toBe('net-gauss-tiny');
    expect(tiny.runs).toBe(2);
    expect(tiny.busyMedian).toBeCloseTo(0.255, 12);
    expect(tiny.longestTaskMs).toBe(90);
    expect(tiny.meanReportsBehindMedian).toBe(5.5);
  });
});
