import { describe, expect, it } from 'vitest';
import { PRESETS } from '../engine/config/presets';
import { DEFAULT_NET_CONFIG, DEFAULT_UFM_CONFIG, expectUfm } from '../engine/config/schema';
import { configToDraft, draftToConfig, fieldsFor, sameConfig } from './formModel';
import { ReportHistory, historySeries } from './history';
import { scalar } from './format';
import { rightTarget } from '../engine/metrics/targets';

describe('config form model', () => {
  it('covers every field of each experiment kind except the experiment tag', () => {
    for (const defaults of [DEFAULT_UFM_CONFIG, DEFAULT_NET_CONFIG]) {
      const names = fieldsFor(defaults.experiment)
        .map((f) => f.name)
        .sort();
      const keys = Object.keys(defaults)
        .filter((k) => k !== 'experiment')
        .sort();
      expect(names, defaults.experiment).toEqual(keys);
    }
  });

  it('a network draft with empty class and count lists means "all" and switches kind', () => {
    const draft = { ...configToDraft(DEFAULT_NET_CONFIG), classes: '', perClass: ' ' };
    const { config, errors } = draftToConfig(draft, DEFAULT_UFM_CONFIG);
    expect(errors).toEqual({});
    expect(config?.experiment).toBe('net');
    expect(config && 'classes' in config ? [config.classes, config.perClass] : null).toEqual([
      [],
      [],
    ]);
  });

  it('round-trips every preset through the draft', () => {
    for (const p of PRESETS) {
      const { config, errors } = draftToConfig(configToDraft(p.config), DEFAULT_UFM_CONFIG);
      expect(errors).toEqual({});
      expect(sameConfig(config, p.config)).toBe(true);
    }
  });

  it('names the field of a format error and still checks the others through the schema', () => {
    const draft = {
      ...configToDraft(DEFAULT_UFM_CONFIG),
      hidden: 'abc',
      classSizes: '10',
      seed: '0',
    };
    const { config, errors } = draftToConfig(draft, DEFAULT_UFM_CONFIG);
    expect(config).toBeNull();
    expect(errors.hidden).toMatch(/not a number/);
    expect(errors.classSizes).toMatch(/at least 2 classes/);
    expect(errors.seed).toMatch(/positive/);
  });

  it('accepts exponent notation and comma lists with spaces', () => {
    const draft = {
      ...configToDraft(DEFAULT_UFM_CONFIG),
      lambdaW: '5e-4',
      classSizes: '200, 100,50 ,50',
    };
    const { config } = draftToConfig(draft, DEFAULT_UFM_CONFIG);
    expect(expectUfm(config!).lambdaW).toBe(5e-4);
    expect(expectUfm(config!).classSizes).toEqual([200, 100, 50, 50]);
  });

  it('reads lists with the one list grammar: a trailing comma is fine, a bad entry is named', () => {
    const ok = draftToConfig(
      { ...configToDraft(DEFAULT_UFM_CONFIG), classSizes: '30 20,' },
      DEFAULT_UFM_CONFIG,
    );
    expect(expectUfm(ok.config!).classSizes).toEqual([30, 20]);
    const bad = draftToConfig(
      { ...configToDraft(DEFAULT_UFM_CONFIG), classSizes: '30, 2x, 20' },
      DEFAULT_UFM_CONFIG,
    );
    expect(bad.config).toBeNull();
    expect(bad.errors.classSizes).toBe(
      '"2x" is not a number (a comma-separated list, e.g. 100, 100, 100)',
    );
  });
});

describe('targets', () => {
  it('picks ETF with bias, orthogonal frame bias-free balanced, GOF bias-free imbalanced', () => {
    expect(rightTarget({ bias: true, classSizes: [5, 7] })).toBe('etf');
    expect(rightTarget({ bias: false, classSizes: [5, 5] })).toBe('identity');
    expect(rightTarget({ bias: false, classSizes: [5, 7] })).toBe('gof');
  });
});

describe('ReportHistory', () => {
  it('stays bounded, keeps the first and last entries and the step order', () => {
    const h = new ReportHistory(100);
    for (let s = 0; s <= 1000; s++) h.push({ step: s, metrics: {} });
    expect(h.length).toBeLessThanOrEqual(100);
    expect(h.first?.step).toBe(0);
    expect(h.last?.step).toBe(1000);
    const steps = h.entries.map((e) => e.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
  });

  it('draws a series of every entry, decimated to the budget with its first, last and peak', () => {
    const h = new ReportHistory(10_000);
    for (let s = 0; s <= 5000; s++) h.push({ step: 2 * s, metrics: { loss: s === 1234 ? 99 : 1 } });
    const { x, y } = historySeries(h.entries, 2, (m) => scalar(m, 'loss'), 100);
    expect(x.length).toBeLessThanOrEqual(100);
    expect(x[0]).toBe(0);
    expect(x[x.length - 1]).toBe(5000);
    expect(y[x.indexOf(1234)]).toBe(99);
  });

  it('replaces entries from a re-measured step onwards', () => {
    const h = new ReportHistory();
    for (const s of [0, 10, 20]) h.push({ step: s, metrics: {} });
    h.push({ step: 10, metrics: { loss: 1 } });
    expect(h.entries.map((e) => e.step)).toEqual([0, 10]);
  });
});
