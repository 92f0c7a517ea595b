import { describe, expect, it } from 'vitest';
import { decimateSeries, decimateTraces, minMaxIndices } from './decimate';

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

describe('decimateTraces', () => {
  const long = (n: number) => Array.from({ length: n }, (_, i) => Math.cos(i / 7));

  it('cuts every long line trace to two points a pixel column, keeping its spike and last point', () => {
    const y = long(30_000);
    y[12_345] = 50;
    const [a, b] = decimateTraces(
      [
        { type: 'scatter', x: y.map((_, i) => i), y, text: y.map((_, i) => `p${i}`) },
        { x: y.map((_, i) => i), y: y.map((v) => -v), marker: { color: y, size: 4 } },
      ],
      300,
    ) as {
      x: number[];
      y: number[];
      text?: string[];
      marker?: { color: number[]; size: number };
    }[];
    expect(a.x.length).toBeLessThanOrEqual(602);
    expect(a.x.length).toBeGreaterThan(500);
    expect(a.y[a.x.indexOf(12_345)]).toBe(50);
    expect(a.x[a.x.length - 1]).toBe(29_999);
    expect(a.text?.[a.x.indexOf(12_345)]).toBe('p12345');
    // a trace without a type is a scatter; its per-point marker colours follow its points
    expect(b.x.length).toBeLessThanOrEqual(602);
    expect(b.marker?.color).toEqual(b.x.map((i) => y[i]));
    expect(b.marker?.size).toBe(4);
  });

  it('leaves short traces, other trace types and the input untouched', () => {
    const y = long(5_000);
    const short = { type: 'scatter', x: [1, 2, 3], y: [3, 2, 1] };
    const bar = { type: 'bar', x: y.map((_, i) => i), y };
    const out = decimateTraces([short, bar], 100);
    expect(out[0]).toBe(short);
    expect(out[1]).toBe(bar);
    expect(bar.y).toHaveLength(5_000);
  });

  it('refuses a width that is not a whole number of at least 2 columns', () => {
    expect(() => decimateTraces([], 1.5)).toThrow(/columns must be a whole number ≥ 2 \(got 1.5\)/);
  });
});
