import { describe, expect, it } from 'vitest';
import { paramsText, searchFileName, searchProgressText } from './searchProgress';

describe('search progress', () => {
  it('counts the trials done of the spec’s total and projects the rest at the pace so far, then the retrain at 1/epochFraction trials', () => {
    const p = { done: 3, total: 12, elapsedMs: 6000, retrain: true, epochFraction: 0.25 };
    // 2 s a trial: 9 trials left = 18 s → "about 20 s"; the retrain 2 s / 0.25 = 8 s → "about 10 s"
    expect(searchProgressText(p)).toBe(
      '3 of 12 trials done · about 20 s left, and about 10 s to retrain the best',
    );
    expect(searchProgressText({ ...p, retrain: false })).toBe(
      '3 of 12 trials done · about 20 s left',
    );
    expect(searchProgressText({ ...p, done: 12, elapsedMs: 24_000 })).toBe(
      '12 of 12 trials done, and about 10 s to retrain the best',
    );
  });

  it('a resumed search paces the rest by the trials run since it resumed, not by those it took over', () => {
    const p = { done: 7, total: 12, elapsedMs: 4000, retrain: false, epochFraction: 0.25 };
    // 5 trials taken over, 2 run here in 4 s: 5 left at 2 s = 10 s
    expect(searchProgressText({ ...p, resumed: 5 })).toBe('7 of 12 trials done · about 10 s left');
    expect(searchProgressText({ ...p, done: 5, resumed: 5 })).toBe('5 of 12 trials done');
  });

  it('before the first trial, or without a total, it only counts', () => {
    expect(
      searchProgressText({ done: 0, total: 12, elapsedMs: 0, retrain: true, epochFraction: 0.25 }),
    ).toBe('0 of 12 trials done');
    expect(
      searchProgressText({ done: 2, total: null, elapsedMs: 10, retrain: true, epochFraction: 1 }),
    ).toBe('2 trials done');
  });

  it('names parameters briefly and makes a safe file name from the search’s name', () => {
    expect(paramsText({ lr: 0.0123456, lossAlpha: 0.1, optimizer: 'adam' })).toBe(
      'lr = 0.01235, lossAlpha = 0.1, optimizer = adam',
    );
    expect(searchFileName({ name: 'search (bayes, 12 trials)' }, '2026-12-07-120000')).toBe(
      'nc-lab-search-bayes-12-trials-2026-12-07-120000.json',
    );
    expect(searchFileName({ name: '///' }, 'd')).toBe('nc-lab-search-d.json');
  });
});
