import { describe, expect, it } from 'vitest';
import { findPreset } from '../config/presets';
import { expectUfm, type UfmConfig } from '../config/schema';
import { autoName, configDiff, distinguishingLabels } from './naming';

const preset = (id: string): UfmConfig => {
  const p = findPreset(id);
  if (!p) throw new Error(`no preset ${id}`);
  return expectUfm(p.config);
};

describe('run names', () => {
  it('a preset run is named by its preset; an edited one adds what differs', () => {
    expect(autoName(preset('tiny-check'))).toBe('tiny-check');
    expect(autoName({ ...preset('tiny-check'), lr: 0.05, seed: 3 })).toBe(
      'tiny-check · lr=0.05, seed=3',
    );
  });

  it('the backend is not part of a name', () => {
    expect(autoName({ ...preset('tiny-check'), backend: 'cpu' })).toBe('tiny-check');
  });

  it('legend labels name only the fields that vary across the selection', () => {
    const base = preset('tiny-check');
    expect(
      distinguishingLabels([
        { ...base, depth: 1 },
        { ...base, depth: 3, bias: false },
      ]),
    ).toEqual(['depth=1, bias=true', 'depth=3, bias=false']);
    expect(distinguishingLabels([base, base])).toEqual(['(same config)', '(same config)']);
  });

  it('the config diff lists each varying field with one value per run', () => {
    const base = preset('tiny-check');
    expect(configDiff([base, { ...base, classSizes: [20, 10, 5, 5] }])).toEqual([
      { field: 'classSizes', values: ['10/10/10/10', '20/10/5/5'] },
    ]);
  });
});
