import { describe, expect, it } from 'vitest';
import {
  PANEL_IDS,
  PRESET_GUIDES,
  guideFor,
  presetOfConfig,
  presetVariantOf,
  type GuideStep,
} from './presetGuides';
import { PRESETS, findPreset } from './presets';
import { expectUfm } from './schema';

/** Citations of files a user of the lab does not have (the team's spec files). */
const FILE_CITATION = /seed ?00\d|seed's|nc-metrics|shared\/|\.md\b|§/i;

/** Where a preset stops, in the unit pauseAt counts (UFM steps, network epochs). */
function lastUnit(id: string): number {
  const c = findPreset(id)!.config;
  return c.experiment === 'ufm' ? c.steps : c.epochs;
}

describe('preset guides', () => {
  it('every written guide belongs to an existing preset', () => {
    const ids = new Set(PRESETS.map((p) => p.id));
    expect(Object.keys(PRESET_GUIDES).filter((id) => !ids.has(id))).toEqual([]);
  });

  it('every preset has a "what to look at" note and known key panels', () => {
    for (const p of PRESETS) {
      const g = guideFor(p.id);
      expect(g?.lookAt.length, p.id).toBeGreaterThan(40);
      for (const panel of g!.panels) expect(PANEL_IDS, p.id).toContain(panel);
    }
    expect(guideFor('no-such-preset')).toBeNull();
  });

  it('teaching mode covers every teaching preset and an MD preset, each step within its run', () => {
    const teaching = PRESETS.filter((p) => p.group === 'Teaching').map((p) => p.id);
    const walked = Object.entries(PRESET_GUIDES)
      .filter(([, g]) => 'steps' in g)
      .map(([id]) => id);
    expect(walked).toEqual(expect.arrayContaining([...teaching, 'md-mnist-quick']));
    for (const id of walked) {
      const steps = (PRESET_GUIDES as Record<string, { steps?: GuideStep[] }>)[id].steps!;
      expect(steps.length, id).toBeGreaterThanOrEqual(2);
      const pauses = steps.flatMap((s) => (s.pauseAt === undefined ? [] : [s.pauseAt]));
      expect(pauses.length, `${id} has a pause point`).toBeGreaterThan(0);
      expect(pauses, `${id} pauses in order`).toEqual([...pauses].sort((a, b) => a - b));
      expect(Math.max(...pauses), `${id} pauses before the end`).toBeLessThan(lastUnit(id));
    }
  });

  it('no preset summary, title, group or guide cites a file the user does not have', () => {
    const texts: [string, string][] = PRESETS.flatMap((p) => {
      const g = guideFor(p.id)!;
      return [
        [`${p.id} title`, p.title],
        [`${p.id} group`, p.group],
        [`${p.id} summary`, p.summary],
        [`${p.id} lookAt`, g.lookAt],
        ...(g.steps ?? []).map((s, i): [string, string] => [`${p.id} step ${i}`, s.title + s.text]),
      ];
    });
    expect(texts.filter(([, t]) => FILE_CITATION.test(t)).map(([w]) => w)).toEqual([]);
  });

  it('finds the preset of a config run on another backend, and no preset for an edited one', () => {
    const etf = expectUfm(findPreset('teach-etf-3d')!.config);
    expect(presetOfConfig({ ...etf, backend: 'wasm' })).toBe('teach-etf-3d');
    expect(presetOfConfig({ ...etf, hidden: 5 })).toBeNull();
  });

  it('a preset run with its own seed or length keeps the preset (its note and teaching), saying what changed', () => {
    const etf = expectUfm(findPreset('teach-etf-3d')!.config);
    expect(presetVariantOf({ ...etf, backend: 'wasm' })).toEqual({
      id: 'teach-etf-3d',
      changed: [],
    });
    expect(presetVariantOf({ ...etf, seed: 5, steps: 30_000 })).toEqual({
      id: 'teach-etf-3d',
      changed: ['steps', 'seed'],
    });
    // what the run shows changed: no longer the preset
    expect(presetVariantOf({ ...etf, seed: 5, lr: 0.5 })).toBeNull();
  });

  it('the scanner itself catches the old citation forms', () => {
    for (const bad of [
      'seed000 §C.4',
      'nc-metrics §6.1',
      ['..', 'shared', 'oracles', 'md'].join('/'),
      "the seed's command",
    ])
      expect(FILE_CITATION.test(bad), bad).toBe(true);
    expect(FILE_CITATION.test('Dang et al. 2023')).toBe(false);
  });
});
