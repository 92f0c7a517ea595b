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

  it('a heatmap needs the cartesian bundle, with or without curves and bars', () => {
    expect(bundleFor([{ type: 'heatmap' }] as Data[])).toBe('cartesian');
    expect(bundleFor([{ type: 'bar' }, { type: 'heatmap' }, { type: 'scatter' }] as Data[])).toBe(
      'cartesian',
    );
  });

  it('a trace type no bundle draws is refused by name (scatter3d too: the 3-D view is a 2-D projection)', () => {
    expect(() => bundleFor([{ type: 'pie' }] as Data[])).toThrow("plot trace type 'pie'");
    expect(() => bundleFor([{ type: 'scatter' }, { type: 'scatter3d' }] as Data[])).toThrow(
      "plot trace type 'scatter3d' is in none of the lab's plotly bundles (it draws scatter, bar, heatmap)",
    );
  });
});
