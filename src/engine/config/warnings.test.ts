import { describe, expect, it } from 'vitest';
import { PRESETS, findPreset } from './presets';
import { DEFAULT_NET_CONFIG, DEFAULT_UFM_CONFIG } from './schema';
import { configWarnings } from './warnings';

const fields = (c: Parameters<typeof configWarnings>[0]) => configWarnings(c).map((w) => w.field);

describe('degenerate-config warnings', () => {
  it('hidden d < K − 1 with a bias: no simplex ETF, NC2/NC3 will not reach 0', () => {
    const w = configWarnings({ ...DEFAULT_UFM_CONFIG, classSizes: [10, 10, 10, 10], hidden: 2 });
    expect(w).toEqual([
      {
        field: 'hidden',
        message:
          'Hidden dimension d = 2 is below K − 1 = 3: the 4 class means cannot form a simplex ETF in 2 dimensions, so the NC2 and NC3 errors will not reach 0.',
      },
    ]);
  });

  it('without a bias the orthogonal frame needs d ≥ K', () => {
    expect(
      fields({ ...DEFAULT_UFM_CONFIG, classSizes: [5, 5, 5], hidden: 2, bias: false }),
    ).toEqual(['hidden']);
    expect(fields({ ...DEFAULT_UFM_CONFIG, classSizes: [5, 5, 5], hidden: 2, bias: true })).toEqual(
      [],
    );
  });

  it('a class of one sample', () => {
    const w = configWarnings({ ...DEFAULT_UFM_CONFIG, classSizes: [10, 1, 10] });
    expect(w.map((x) => x.message)).toEqual([
      'Class 1 has a single sample: its within-class variability is 0 from the first step, so NC1 cannot show it collapsing.',
    ]);
    expect(fields({ ...DEFAULT_NET_CONFIG, perClass: [1] })).toContain('perClass');
  });

  it('network: width below K, fewer measured samples than classes, degenerate latent fraction', () => {
    expect(fields({ ...DEFAULT_NET_CONFIG, dataset: 'mnist', width: 5 })).toEqual(['width']);
    expect(fields({ ...DEFAULT_NET_CONFIG, measureSamples: 1 })).toEqual(['measureSamples']);
    const md = findPreset('md-fourclass-mnist')!.config;
    expect(md.experiment === 'net' && fields({ ...md, fourClassNoise: 1 })).toEqual([
      'fourClassNoise',
    ]);
  });

  it('no preset is degenerate', () => {
    const warned = PRESETS.filter((p) => configWarnings(p.config).length > 0).map((p) => p.id);
    expect(warned).toEqual([]);
  });
});
