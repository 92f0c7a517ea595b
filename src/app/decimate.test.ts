import { describe, expect, it } from 'vitest';
import { decimateSeries, minMaxIndices } from './decimate';

describe('minMaxIndices', () => {
  it('keeps every point of a series that already fits', () => {
    expect(minMaxIndices([3, 1, 2], 10)).toEqual([0, 1, 2]);
  });

  it('bounds the output, keeps the first and last points, and stays in index order', () => {
    const y = Array.from({ length: 100_000 }, (_, i) => Math.sin(i / 50) + i * 1e-5);
    for (const max of [4, 101, 1500]) {
      const keep = minMaxIndices(y, max);
      expect(keep.length).toBeLessThanOrEqual(max);
      expect(keep[0]).toBe(0);
      expect(keep[keep.length - 1]).toBe(y.length - 1);
      for (let i = 1; i < keep.length; i++) expect(keep[i]).toBeGreaterThan(keep[i - 1]);
    }
  });

  it('keeps a one-point spike and a one-point dip that a stride would drop', () => {
    const y = Array.from({ length: 10_000 }, () => 1);
    y[4_321] = 1e6;
    y[7_777] = -5;
    const keep = minMaxIndices(y, 100);
    expect(keep).toContain(4_321);
    expect(keep).toContain(7_777);
    const { y: drawn } = decimateSeries(
      y.map((_, i) => i),
      y,
      100,
    );
    expect(Math.max(...(drawn as number[]))).toBe(1e6);
    expect(Math.min(...(drawn as number[]))).toBe(-5);
  });

  it('keeps the global extremes of a noisy series', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    const y = Array.from({ length: 5_000 }, rand);
    const kept = minMaxIndices(y, 200).map((i) => y[i]);
    expect(Math.max(...kept)).toBe(Math.max(...y));
    expect(Math.min(...kept)).toBe(Math.min(...y));
  });

  it('keeps a gap of undefined values visible and never picks a null as an extreme', () => {
    const y: (number | null)[] = Array.from({ length: 1_000 }, (_, i) =>
      i >= 400 && i < 600 ? null : i,
    );
    const keep = minMaxIndices(y, 50);
    const values = keep.map((i) => y[i]);
    expect(values).toContain(null);
    expect(keep.filter((i) => y[i] === null).length).toBeLessThanOrEqual(keep.length / 2);
  });

  it('names a bad point budget', () => {
    expect(() => minMaxIndices([1, 2, 3], 3)).toThrow(/maxPoints must be a whole number ≥ 4/);
    expect(() => decimateSeries([1, 2], [1], 10)).toThrow(/x has 2 points but y has 1/);
  });
});
