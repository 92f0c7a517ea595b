import { describe, expect, it } from 'vitest';
import { imageFileName } from './PlotFigure';

describe('figure image files', () => {
  it('are named after what the figure shows and the day', () => {
    expect(imageFileName('NC1 per layer: Tr(Σ_W Σ_B⁺)/K', new Date('2026-12-03T10:00:00Z'))).toBe(
      'nc-lab-nc1-per-layer-tr-w-b-k-2026-12-03',
    );
  });
});
