import { describe, expect, it } from 'vitest';
import { linearStep, logAxis, zeroLines } from './logAxis';

describe("the lab's log axes", () => {
  it('a short figure under a decade gets a linear 1-2-5 step leaving at most its label count', () => {
    // NC2 of an imbalanced run, 0.38 … 0.65: Plotly labelled every 0.05 (seven labels)
    const axis = logAxis([0.38, 0.5, 0.65], 4);
    expect(axis.dtick).toMatch(/^L/);
    const step = Number(String(axis.dtick).slice(1));
    // the axis is widened to MIN_LOG_DECADES around the values: count labels over its range
    const [lo, hi] = (axis.range as number[]).map((r) => 10 ** r);
    expect(Math.floor(hi / step) - Math.ceil(lo / step) + 1).toBeLessThanOrEqual(4);
    // without a limit the axis is Plotly's own, as before
    expect(logAxis([0.38, 0.5, 0.65]).dtick).toBeUndefined();
  });

  it('with a label limit, 1-2-5 labels over at most one decade, decades beyond', () => {
    expect(logAxis([0.01, 0.2], 4).dtick).toBe(1);
    expect(logAxis([0.01, 0.2]).dtick).toBe('D2');
    expect(logAxis([0.05, 0.2], 4).dtick).toBe('D2');
  });

  it('linearStep is the smallest 1-2-5 step that fits, without float noise', () => {
    expect(linearStep(0.3, 4)).toBe(0.1);
    expect(linearStep(35, 4)).toBe(20);
    expect(linearStep(0.0007, 3)).toBe(0.0005);
    expect(linearStep(0, 4)).toBeGreaterThan(0);
  });

  it('a zero note names at most four curves, the rest counted', () => {
    const curve = (label: string) => ({ label, x: [0, 10, 20], y: [1, 0, 0] });
    const lines = zeroLines(['a', 'b', 'c', 'd', 'e'].map(curve), (x) => `step ${x}`);
    expect(lines).toEqual([
      'a: = 0 from step 10',
      'b: = 0 from step 10',
      'c: = 0 from step 10',
      'and 2 more',
    ]);
    expect(zeroLines([{ label: 'x', x: [0, 1], y: [0, 1] }], String)).toEqual([]);
  });
});
