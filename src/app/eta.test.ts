import { describe, expect, it } from 'vitest';
import { formatTimeLeft, secondsLeft } from './eta';

describe('time left of a run (status bar)', () => {
  it('extrapolates the observed rate to the remaining steps', () => {
    // 200 steps in 4 s = 50 steps/s; 1 000 steps left → 20 s.
    expect(secondsLeft({ time: 1000, step: 100 }, { time: 5000, step: 300 }, 1300)).toBeCloseTo(20);
  });

  it('gives no estimate before 3 s of running, without progress, or at the end', () => {
    expect(secondsLeft({ time: 0, step: 0 }, { time: 2000, step: 500 }, 1000)).toBeNull();
    expect(secondsLeft({ time: 0, step: 10 }, { time: 9000, step: 10 }, 1000)).toBeNull();
    expect(secondsLeft({ time: 0, step: 0 }, { time: 9000, step: 1000 }, 1000)).toBeNull();
  });

  it('reads as seconds, minutes or hours', () => {
    expect(formatTimeLeft(42)).toBe('about 40 s');
    expect(formatTimeLeft(0.4)).toBe('about 1 s');
    expect(formatTimeLeft(185)).toBe('about 3 min');
    expect(formatTimeLeft(3600 + 20 * 60)).toBe('about 1 h 20 min');
    expect(formatTimeLeft(7200)).toBe('about 2 h');
  });
});
