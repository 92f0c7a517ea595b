import { describe, expect, it } from 'vitest';
import type { Data } from 'plotly.js';
import { bundleFor } from './plotly';

describe('bundleFor: the smallest plotly bundle for a figure', () => {
  it('curves and bars need only the basic bundle (what the first charts load)', () => {
    expect(bundleFor([{ x: [1], y: [2] }, { type: 'scatter' }, { type: 'bar' }] as Data[])).toBe(
      'basic',
    );
    expect(bundleFor([])).toBe('basic');
  });

  it('a heatmap needs the cartesian bundle, scatter3d the gl3d one, with or without curves', () => {
    expect(bundleFor([{ type: 'heatmap' }] as Data[])).toBe('cartesian');
    expect(bundleFor([{ type: 'bar' }, { type: 'heatmap' }] as Data[])).toBe('cartesian');
    expect(bundleFor([{ type: 'scatter3d' }, { type: 'scatter' }] as Data[])).toBe('gl3d');
  });

  it('a trace type no bundle draws, or a mix no single bundle draws, is refused by name', () => {
    expect(() => bundleFor([{ type: 'pie' }] as Data[])).toThrow("plot trace type 'pie'");
    expect(() => bundleFor([{ type: 'heatmap' }, { type: 'scatter3d' }] as Data[])).toThrow(
      'no single plotly bundle draws all of: heatmap, scatter3d',
    );
    expect(() => bundleFor([{ type: 'bar' }, { type: 'scatter3d' }] as Data[])).toThrow(
      'bar, scatter3d',
    );
  });
});
