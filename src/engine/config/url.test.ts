import { describe, expect, it } from 'vitest';
import { PRESETS } from './presets';
import { resolveConfig } from './resolve';
import { ConfigError, DEFAULT_UFM_CONFIG, LIMITS, expectUfm } from './schema';
import { configToQuery, parseQuery, readQuery, shareUrl } from './url';

function fieldsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map((i) => i.field);
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('config ⇄ URL', () => {
  it('every preset survives a round trip through its share URL unchanged', () => {
    for (const preset of PRESETS) {
      const url = shareUrl('http://localhost:5173/', preset.config, true);
      const state = parseQuery(url);
      expect(state.config, preset.id).toEqual(preset.config);
      expect(state.autorun).toBe(true);
    }
  });

  it('writes the schema version and every config field into the query', () => {
    const params = new URLSearchParams(configToQuery(DEFAULT_UFM_CONFIG));
    expect(params.get('v')).toBe('1');
    for (const key of Object.keys(DEFAULT_UFM_CONFIG)) expect(params.has(key), key).toBe(true);
    expect(params.get('classSizes')).toBe('100,100,100,100');
    expect(params.get('bias')).toBe('1');
  });

  it('a preset id plus overrides gives the preset with those fields changed', () => {
    const { config: parsed, presetId } = parseQuery('?preset=seed-imbalanced-m3&steps=500&seed=7');
    const config = expectUfm(parsed);
    expect(presetId).toBe('seed-imbalanced-m3');
    expect(config.classSizes).toEqual([200, 100, 50, 50]);
    expect(config.depth).toBe(3);
    expect([config.steps, config.seed]).toEqual([500, 7]);
  });

  it('refuses invalid, malformed, oversized and unknown values, naming each field', () => {
    expect(fieldsOf(() => parseQuery('hidden=-3'))).toEqual(['hidden']);
    expect(fieldsOf(() => parseQuery(`hidden=${LIMITS.maxHidden + 1}`))).toEqual(['hidden']);
    expect(fieldsOf(() => parseQuery('hidden=abc'))).toEqual(['hidden']);
    expect(fieldsOf(() => parseQuery('classSizes=10,x'))).toEqual(['classSizes']);
    expect(fieldsOf(() => parseQuery('classSizes=5'))).toEqual(['classSizes']);
    expect(fieldsOf(() => parseQuery('bias=maybe'))).toEqual(['bias']);
    expect(fieldsOf(() => parseQuery('optimizer=rmsprop'))).toEqual(['optimizer']);
    expect(fieldsOf(() => parseQuery('seed=0'))).toEqual(['seed']);
    expect(fieldsOf(() => parseQuery('lambdaW=0'))).toEqual(['lambdaW']);
    expect(fieldsOf(() => parseQuery('v=99'))).toEqual(['v']);
    expect(fieldsOf(() => parseQuery('colour=red'))).toEqual(['colour']);
    expect(fieldsOf(() => parseQuery('preset=nope'))).toEqual(['preset']);
    // Within each field's range but too big together: the resource cap names `hidden`.
    expect(fieldsOf(() => parseQuery('hidden=4096&depth=12'))).toEqual(['hidden']);
    expect(fieldsOf(() => parseQuery('x=' + 'a'.repeat(5000)))).toEqual(['(url)']);
  });

  it('refuses a repeated key with a message naming it, instead of letting the last one win', () => {
    expect(fieldsOf(() => parseQuery('hidden=8&hidden=16'))).toEqual(['hidden']);
    expect(() => parseQuery('hidden=8&depth=2&hidden=16')).toThrow(
      /hidden: "hidden" appears more than once/,
    );
    expect(fieldsOf(() => parseQuery('preset=tiny-check&preset=teach-etf-3d'))).toEqual(['preset']);
  });

  it('refuses what every object inherits (constructor, __proto__, toString) as unknown fields', () => {
    for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(
        fieldsOf(() => parseQuery(`${key}=1`)),
        key,
      ).toEqual([key]);
      expect(
        fieldsOf(() => parseQuery(`experiment=net&${key}=1`)),
        key,
      ).toEqual([key]);
    }
  });

  it('the error message names the field and says what is wrong', () => {
    expect(() => parseQuery('hidden=999999')).toThrow(/hidden: .*4096/);
  });
});

describe('resolveConfig (CLI and window.ncLab.run input)', () => {
  it('accepts a partial object filled from the defaults, a preset with overrides, or a share URL', () => {
    const ufm = (input: unknown) => expectUfm(resolveConfig(input));
    expect(ufm({ hidden: 8 }).hidden).toBe(8);
    expect(ufm({ hidden: 8 }).classSizes).toEqual(DEFAULT_UFM_CONFIG.classSizes);
    expect(ufm({ preset: 'tiny-check', steps: 40 }).steps).toBe(40);
    expect(ufm('http://localhost/?preset=tiny-check&depth=3').depth).toBe(3);
  });

  it('refuses inherited keys in a config object, as a CLI config file gives them (JSON.parse)', () => {
    for (const key of ['constructor', '__proto__', 'toString']) {
      const input: unknown = JSON.parse(`{"hidden": 8, "${key}": {}}`);
      expect(
        fieldsOf(() => resolveConfig(input)),
        key,
      ).toEqual([key]);
      const withPreset: unknown = JSON.parse(`{"preset": "tiny-check", "${key}": 1}`);
      expect(
        fieldsOf(() => resolveConfig(withPreset)),
        key,
      ).toEqual([key]);
    }
  });

  it('rejects unknown fields and unknown presets by name', () => {
    expect(fieldsOf(() => resolveConfig({ hiden: 8 }))).toEqual(['hiden']);
    expect(fieldsOf(() => resolveConfig({ preset: 'nope' }))).toEqual(['preset']);
    expect(fieldsOf(() => resolveConfig(42))).toEqual(['(config)']);
  });
});

describe('network experiments in the URL', () => {
  it('experiment=net reads the network fields, empty lists mean "all"', () => {
    const { config } = parseQuery('?experiment=net&dataset=fashion-mnist&classes=&perClass=100');
    expect(config).toMatchObject({
      experiment: 'net',
      dataset: 'fashion-mnist',
      classes: [],
      perClass: [100],
    });
    const round = parseQuery(configToQuery(config)).config;
    expect(round).toEqual(config);
  });

  it('a network preset with overrides keeps its kind; UFM fields are refused by name', () => {
    const { config, presetId } = parseQuery('?preset=net-mnist-mlp&epochs=3');
    expect(presetId).toBe('net-mnist-mlp');
    expect(config).toMatchObject({ experiment: 'net', epochs: 3, dataset: 'mnist' });
    expect(() => parseQuery('?experiment=net&hidden=3')).toThrow(
      /hidden: unknown parameter for experiment net/,
    );
    expect(() => parseQuery('?experiment=gan')).toThrow(/experiment: unknown experiment "gan"/);
    expect(() => parseQuery('?experiment=net&classes=0,1&perClass=5,6,7')).toThrow(
      /perClass: 3 counts for 2 chosen classes/,
    );
  });
});

describe('readQuery (the page reading a link that may be partly bad)', () => {
  it('keeps every good field of a link with one bad field, and names the bad one with its text', () => {
    const reading = readQuery('?preset=tiny-check&hidden=abc&depth=3&steps=77');
    const config = expectUfm(reading.config);
    expect(reading.issues.map((i) => i.field)).toEqual(['hidden']);
    expect(reading.rejected).toEqual({ hidden: 'abc' });
    expect(reading.presetId).toBe('tiny-check');
    expect([config.depth, config.steps]).toEqual([3, 77]);
    const tiny = expectUfm(
      PRESETS.find((p) => p.id === 'tiny-check')?.config ?? DEFAULT_UFM_CONFIG,
    );
    expect(config.hidden).toBe(tiny.hidden);
  });

  it('reads lists with the one list grammar and names a bad entry', () => {
    expect(expectUfm(parseQuery('?classSizes=30%2020,').config).classSizes).toEqual([30, 20]);
    expect(readQuery('?classSizes=30,x').issues).toEqual([
      {
        field: 'classSizes',
        message: '"30,x" is not a comma-separated list of numbers: "x" is not a number',
      },
    ]);
  });

  it("an unknown key is named and the link's other fields are kept", () => {
    const reading = readQuery('?foo=bar&hidden=8');
    expect(reading.issues).toEqual([
      { field: 'foo', message: 'unknown parameter for experiment ufm' },
    ]);
    expect(reading.rejected).toEqual({});
    expect(expectUfm(reading.config).hidden).toBe(8);
  });

  it('a value the schema refuses (out of range) goes back to the default; the rest is kept', () => {
    const reading = readQuery(`?hidden=${LIMITS.maxHidden + 1}&depth=4`);
    expect(reading.issues.map((i) => i.field)).toEqual(['hidden']);
    expect(reading.rejected).toEqual({ hidden: String(LIMITS.maxHidden + 1) });
    const config = expectUfm(reading.config);
    expect([config.hidden, config.depth]).toEqual([DEFAULT_UFM_CONFIG.hidden, 4]);
  });

  it('a repeated config key keeps both texts for the form and is left at its start value', () => {
    const reading = readQuery('?hidden=8&hidden=16&depth=2');
    expect(reading.rejected).toEqual({ hidden: '8 | 16' });
    expect(expectUfm(reading.config).hidden).toBe(DEFAULT_UFM_CONFIG.hidden);
    expect(expectUfm(reading.config).depth).toBe(2);
  });

  it('a number past both the safe-integer bound and the field’s own is told only the field’s bound', () => {
    const reading = readQuery(`?preset=tiny-check&steps=99999999999999999999`);
    expect(reading.issues).toEqual([
      { field: 'steps', message: `must be a whole number ≤ ${LIMITS.maxSteps}` },
    ]);
  });

  it('an experiment that contradicts the preset is named, not taken for the other kind’s defaults', () => {
    const reading = readQuery('?preset=tiny-check&experiment=net');
    expect(reading.issues).toEqual([
      {
        field: 'experiment',
        message: '"net" contradicts preset tiny-check (a ufm preset): give one of them',
      },
    ]);
    expect(reading.config.experiment).toBe('ufm');
    expect(readQuery('?preset=tiny-check&experiment=ufm').issues).toEqual([]);
  });

  it('autorun is 1 / true or 0 / false; anything else is named rather than ignored', () => {
    expect(readQuery('?preset=tiny-check&autorun=1').autorun).toBe(true);
    expect(readQuery('?preset=tiny-check&autorun=0')).toMatchObject({ autorun: false, issues: [] });
    const odd = readQuery('?preset=tiny-check&autorun=yes');
    expect(odd.autorun).toBe(false);
    expect(odd.issues.map((i) => i.field)).toEqual(['autorun']);
  });
});
