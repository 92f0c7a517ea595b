import { describe, expect, it } from 'vitest';
import { findPreset, PRESETS } from '../../engine/config/presets';
import { availablePanels, dashboardTabs, keyPanels, PANELS } from './panels';

function preset(id: string) {
  const p = findPreset(id);
  if (!p) throw new Error(`no preset ${id}`);
  return p;
}

describe('key panels per preset', () => {
  it('puts the 3-D view first for the tetrahedron and orthogonal-frame teaching presets', () => {
    for (const id of ['teach-etf-3d', 'teach-orthogonal-3d'])
      expect(keyPanels(preset(id).config, id)).toEqual(['3d', 'nc']);
  });

  it('puts NC metrics and the loss first for balanced UFMs and plain networks', () => {
    for (const id of ['teach-deep-m3', 'seed-balanced-bias-m3', 'net-mnist-mlp', 'net-gauss-tiny'])
      expect(keyPanels(preset(id).config, id)).toEqual(['nc', 'loss']);
  });

  it('puts the closed form first for imbalanced UFMs (minority collapse, GOF)', () => {
    for (const id of ['minority-collapse-m1', 'teach-imbalanced', 'seed-imbalanced-m1'])
      expect(keyPanels(preset(id).config, id)).toEqual(['theory', 'nc']);
  });

  it('puts memorization–dilation first for every label-noise preset', () => {
    const noisy = PRESETS.filter((x) => x.group === 'Memorization–dilation (Nguyen et al. 2023)');
    // A renamed group must not leave the loop empty and the test passing on nothing.
    expect(noisy.length).toBeGreaterThanOrEqual(4);
    for (const p of noisy) expect(keyPanels(p.config, p.id)).toEqual(['md', 'nc']);
  });

  it('keeps the theory tab to UFMs and the noise panels to label-noise networks', () => {
    expect(availablePanels(preset('net-gauss-tiny').config)).toEqual([
      'nc',
      'loss',
      '3d',
      'gram',
      'measures',
      'grid',
      'search',
      'runs',
    ]);
    expect(availablePanels(preset('teach-deep-m3').config)).toEqual([
      'nc',
      'loss',
      'theory',
      '3d',
      'gram',
      'measures',
      'grid',
      'search',
      'runs',
    ]);
  });
});

describe('dashboard tabs', () => {
  it('for every preset: the key tab first, each available panel exactly once, all known', () => {
    for (const p of PRESETS) {
      const tabs = dashboardTabs(p.config, p.id);
      expect(tabs[0].id).toBe('key');
      expect(tabs[0].panels.length).toBe(2);
      const shown = tabs.flatMap((t) => t.panels);
      expect(new Set(shown).size).toBe(shown.length);
      expect([...shown].sort()).toEqual([...availablePanels(p.config)].sort());
      for (const id of shown) expect(PANELS.some((x) => x.id === id)).toBe(true);
    }
  });

  it('labels the key tab with its panels', () => {
    expect(dashboardTabs(preset('teach-etf-3d').config, 'teach-etf-3d')[0].label).toBe(
      '3-D view + NC metrics',
    );
  });
});
