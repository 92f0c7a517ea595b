import { describe, expect, it } from 'vitest';
import { imageFileName, redrawFor } from './PlotFigure';

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
