import { describe, expect, it } from 'vitest';
import { fakeReport } from '../lab/testing/fakeWorker';
import { classColor } from '../format';
import { useLab, type LabState } from '../store';
import { buildScatter } from './MdPanel';

interface Trace {
  name?: string;
  x?: number[];
  text?: string[];
  marker?: { color?: string | string[]; symbol?: string };
}

/**
 * A run of K = 10 whose cloud holds 80 samples per label, every fifth of them corrupted (its
 * original label the next class); sample j sits at (j, −j).
 */
function noisyRun(): LabState {
  const K = 10;
  const labels = Array.from({ length: 80 * K }, (_, j) => j % K);
  const originalLabels = labels.map((y, j) => (Math.floor(j / K) % 5 === 0 ? (y + 1) % K : y));
  const report = fakeReport(10, 0.5);
  report.shape = { ...report.shape, K, classSizes: Array<number>(K).fill(80) };
  report.samples = { points: labels.map((_, j) => [j, -j]), labels, originalLabels };
  return { ...useLab.getState(), lastReport: report, loadedConfig: null };
}

describe('the feature scatter of the MD panel', () => {
  it('draws clean and corrupted samples as one trace each, coloured by label: every corrupted one, the clean ones thinned to 50 a class', () => {
    const [clean, corrupted, ...rest] = (buildScatter(noisyRun(), 0)?.data ?? []) as Trace[];
    expect(rest).toEqual([]);
    expect(clean.marker?.symbol).toBe('circle');
    expect(corrupted.marker?.symbol).toBe('x');
    // 16 of each label's 80 are corrupted: all 160 drawn; 64 clean a label, 50 of them drawn
    expect(corrupted.x).toHaveLength(160);
    expect(clean.x).toHaveLength(500);
    const colours = corrupted.marker?.color as string[];
    corrupted.x?.forEach((j, i) => {
      expect(colours[i]).toBe(classColor(j % 10));
      expect(corrupted.text?.[i]).toBe(`label ${j % 10} (corrupted)`);
      expect(Math.floor(j / 10) % 5).toBe(0);
    });
    (clean.marker?.color as string[]).forEach((c, i) => {
      expect(c).toBe(classColor((clean.x?.[i] ?? -1) % 10));
    });
  });
});
