import { describe, expect, it } from 'vitest';
import { FIGURE_PRESETS } from './figures';
import { gridFromQuery, gridToQuery } from './url';

describe('a grid in the URL', () => {
  it('every figure preset survives a link round trip, whatever the page’s other parameters', () => {
    for (const f of FIGURE_PRESETS) {
      const url = `http://localhost/?preset=tiny-check&${gridToQuery(f.browser)}&autorun=0`;
      expect(gridFromQuery(url)).toEqual(f.browser);
    }
    expect(gridFromQuery('?preset=tiny-check')).toBeNull();
  });

  it('names a broken or invalid grid, and refuses a link too long to share', () => {
    expect(() => gridFromQuery('?grid=%7Bbase')).toThrow(/link's grid is not valid JSON/);
    expect(() => gridFromQuery(`?grid=${encodeURIComponent('{"axes":[]}')}`)).toThrow(/base:/);
    const huge = {
      base: {},
      axes: [{ field: 'lr', values: Array.from({ length: 2000 }, (_, i) => i + 0.5) }],
    };
    expect(() => gridToQuery(huge)).toThrow(/characters \(limit 3500\): share the spec as a file/);
  });
});
