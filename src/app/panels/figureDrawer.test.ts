import { describe, expect, it } from 'vitest';
import { MIN_LOG_DECADES, logAxis } from './logAxis';
import { imageFileName, redrawFor } from './figureDrawer';

describe('figure image files', () => {
  it('are named after what the figure shows and the day', () => {
    expect(imageFileName('NC1 per layer: Tr(Σ_W Σ_B⁺)/K', new Date('2026-12-03T10:00:00Z'))).toBe(
      'nc-lab-nc1-per-layer-tr-w-b-k-2026-12-03',
    );
  });
});

describe('which store changes redraw a figure', () => {
  const watch = (s: { status: string; version: number }) => s.version;
  it('redraws when what it watches changes, and not otherwise', () => {
    expect(
      redrawFor({ status: 'running', version: 2 }, { status: 'running', version: 1 }, watch),
    ).toBe('normal');
    expect(
      redrawFor({ status: 'running', version: 1 }, { status: 'running', version: 1 }, watch),
    ).toBeNull();
  });
  it('draws the last state at once when a run ends, even with nothing new to watch', () => {
    expect(
      redrawFor({ status: 'completed', version: 1 }, { status: 'running', version: 1 }, watch),
    ).toBe('urgent');
    expect(
      redrawFor({ status: 'failed', version: 2 }, { status: 'running', version: 1 }, watch),
    ).toBe('urgent');
    // a store without a run status (the feature files' store) only redraws on what it watches
    expect(
      redrawFor({ version: 1 }, { version: 1 }, (s: { version: number }) => s.version),
    ).toBeNull();
  });
  it('draws a change at the next frame when no run streams into the store (a click, a view option)', () => {
    expect(
      redrawFor({ status: 'completed', version: 2 }, { status: 'completed', version: 1 }, watch),
    ).toBe('urgent');
    // the run library's overlay: a store without any run in it
    const v = (s: { version: number }) => s.version;
    expect(redrawFor({ version: 2 }, { version: 1 }, v)).toBe('urgent');
    // a grid, a search or a sweep streaming: their turn; once they stop: at once
    const g = (s: { running: boolean; search?: { running: boolean }; version: number }) =>
      s.version;
    expect(redrawFor({ running: true, version: 2 }, { running: true, version: 1 }, g)).toBe(
      'normal',
    );
    expect(
      redrawFor(
        { running: false, search: { running: true }, version: 2 },
        { running: false, search: { running: true }, version: 1 },
        g,
      ),
    ).toBe('normal');
    expect(redrawFor({ running: false, version: 2 }, { running: true, version: 2 }, g)).toBe(
      'urgent',
    );
  });
});

describe('log axes', () => {
  it('widen a nearly flat series to MIN_LOG_DECADES around it, so its tick labels differ', () => {
    const flat = [0.0123739, 0.01237391, null, 0.0123739];
    const range = logAxis(flat).range as [number, number];
    expect(range[1] - range[0]).toBeCloseTo(MIN_LOG_DECADES, 12);
    expect(10 ** range[0]).toBeLessThan(0.0123739 / 1.4);
    expect(10 ** range[1]).toBeGreaterThan(0.01237391 * 1.4);
  });

  it('leave a series over a few decades to autorange, with 1-2-5 labels', () => {
    const axis = logAxis([1, 0.5, 0.01, 0]);
    expect(axis.range).toBeUndefined();
    expect(axis.dtick).toBe('D2');
    expect(logAxis([]).range).toBeUndefined();
    // three decades: every decade asked for (Plotly's own choice was 1-2-5: nine labels on a
    // small figure); many decades: Plotly spaces them
    expect(logAxis([180, 0.2]).dtick).toBe(1);
    expect(logAxis([1, 1e-16]).dtick).toBeUndefined();
  });

  it('label values under 1e-4 with exponents, which fit the left margin', () => {
    // a converged NC metric over many decades: 10⁻⁶, not "0.000001" clipped to ".000001"
    const decades = logAxis([1, 1e-3, 1e-6]);
    expect(decades.exponentformat).toBe('power');
    expect(decades.tickformat).toBeUndefined();
    // 1-2-5 ticks and a flat series: 2e-6, 1.2e-6
    expect(logAxis([1e-6, 5e-5]).tickformat).toBe('~e');
    expect(logAxis([1.2e-6, 1.21e-6]).tickformat).toBe('~e');
    // above 1e-4 the plain labels stay
    expect(logAxis([1, 1e-4]).tickformat).toBe('~g');
    expect(logAxis([1, 1e-4]).exponentformat).toBeUndefined();
  });
});
