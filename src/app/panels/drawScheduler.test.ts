import { describe, expect, it } from 'vitest';
import { SHARE, waitAfterDraw } from './drawScheduler';

describe('the draw queue’s wait after a draw', () => {
  it('gives one redrawing figure SHARE of the main thread: cost / (cost + wait) = SHARE', () => {
    const took = 40;
    const wait = waitAfterDraw(took, 1);
    expect(took / (took + wait)).toBeCloseTo(SHARE, 12);
  });

  it('splits SHARE evenly between figures, so a cheap chart redraws more often than a costly one', () => {
    const cheap = 20;
    const costly = 400;
    const share = (took: number) => took / (took + waitAfterDraw(took, 3));
    expect(share(cheap)).toBeCloseTo(SHARE / 3, 12);
    expect(share(costly)).toBeCloseTo(SHARE / 3, 12);
    // redraws a second: 1000 / (cost + wait)
    expect(1000 / (cheap + waitAfterDraw(cheap, 3))).toBeCloseTo(
      20 * (1000 / (costly + waitAfterDraw(costly, 3))),
      9,
    );
  });

  it('still refreshes a figure that costs seconds within 8 s', () => {
    expect(waitAfterDraw(1500, 4)).toBe(8000);
  });

  it('refuses a negative cost or a count of figures that is not a whole number ≥ 1', () => {
    expect(() => waitAfterDraw(-1, 1)).toThrow(/took must be ≥ 0 ms .* \(got -1, 1\)/);
    expect(() => waitAfterDraw(10, 0)).toThrow(/active a whole number ≥ 1 \(got 10, 0\)/);
  });
});
