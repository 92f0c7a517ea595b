import { describe, expect, it } from 'vitest';
import { multiStepLr, sampleRows, stepLr } from './batches';

/** 60 rows: 30 of class 0, 20 of class 1, 10 of class 2, interleaved. */
const labels = Int32Array.from({ length: 60 }, (_, i) => (i % 6 < 3 ? 0 : i % 6 < 5 ? 1 : 2));

function perClass(rows: Int32Array): number[] {
  const counts = [0, 0, 0];
  for (const r of rows) counts[labels[r]]++;
  return counts;
}

describe('sampleRows (the rows a network run measures)', () => {
  it('all rows, in order, when k is 0 or at least n', () => {
    expect(Array.from(sampleRows(labels, 0, 's'))).toEqual([...Array(60).keys()]);
    expect(sampleRows(labels, 60, 's').length).toBe(60);
  });

  it('k below the number of classes still gives one row of each class (measureSamples=1)', () => {
    const rows = sampleRows(labels, 1, 's');
    expect(perClass(rows)).toEqual([1, 1, 1]);
  });

  it('splits k over the classes in proportion to their sizes, ascending, without repeats, seeded', () => {
    const rows = sampleRows(labels, 12, 's');
    expect(rows.length).toBe(12);
    expect(perClass(rows)).toEqual([6, 4, 2]);
    expect(new Set(rows).size).toBe(12);
    expect(Array.from(rows)).toEqual([...rows].sort((a, b) => a - b));
    expect(sampleRows(labels, 12, 's')).toEqual(rows);
    expect(sampleRows(labels, 12, 'other')).not.toEqual(rows);
  });
});

describe('learning-rate schedules', () => {
  it('MultiStepLR multiplies by γ at each milestone epoch, as torch.optim.lr_scheduler.MultiStepLR', () => {
    const lrs = Array.from({ length: 8 }, (_, e) => multiStepLr(0.1, 0.1, [2, 5, 6], e));
    [0.1, 0.1, 0.01, 0.01, 0.01, 0.001, 0.0001, 0.0001].forEach((v, e) =>
      expect(lrs[e], `epoch ${e}`).toBeCloseTo(v, 15),
    );
    expect(multiStepLr(0.1, 0.5, [], 100)).toBe(0.1);
  });

  it('StepLR multiplies by γ every step epochs (0 = constant)', () => {
    expect(stepLr(0.1, 0.5, 2, 3)).toBeCloseTo(0.05, 15);
    expect(stepLr(0.1, 0.5, 0, 30)).toBe(0.1);
  });
});
