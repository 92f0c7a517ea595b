import { deflateSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { findPreset } from '../config/presets';
import type { ExperimentConfig } from '../config/schema';
import {
  comparisonUrl,
  configEntry,
  encodeComparison,
  MAX_COMPARE_CHARS,
  MAX_COMPARE_RUNS,
  readComparison,
} from './compareLink';

const tiny = findPreset('tiny-check')!.config;
const variant = (patch: Record<string, unknown>): ExperimentConfig =>
  ({ ...tiny, ...patch }) as ExperimentConfig;

/** A `compare` value made by hand from a JSON list, as a crafted link would be. */
function handMade(list: unknown): string {
  const bytes = deflateSync(strToU8(JSON.stringify(list)));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

describe('comparison links', () => {
  it('name each config by its nearest preset and only the fields that differ from it', () => {
    expect(configEntry(tiny)).toBe('preset=tiny-check');
    expect(configEntry(variant({ steps: 40, backend: 'wasm' }))).toBe(
      'preset=tiny-check&steps=40&backend=wasm',
    );
  });

  it('round-trip up to 8 configs to the same configs, in order', () => {
    const configs = Array.from({ length: MAX_COMPARE_RUNS }, (_, i) =>
      variant({ seed: i + 1, lr: 0.01 * (i + 1), backend: 'wasm' }),
    );
    const url = comparisonUrl('http://lab.test/nc/?preset=x#panel', configs);
    expect(url.startsWith('http://lab.test/nc/?compare=')).toBe(true);
    expect(url).not.toContain('#');
    const reading = readComparison(new URL(url).search);
    expect(reading?.issues).toEqual([]);
    expect(reading?.configs).toEqual(configs);
  });

  it('are compact: 8 configs fit in a few hundred characters', () => {
    const configs = Array.from({ length: 8 }, (_, i) => variant({ seed: i, steps: 100 * i + 50 }));
    expect(encodeComparison(configs).length).toBeLessThan(400);
  });

  it('refuse an empty list and more than 8 configs when encoding', () => {
    expect(() => encodeComparison([])).toThrow(/at least one run/);
    expect(() => encodeComparison(Array.from({ length: 9 }, () => tiny))).toThrow(
      /at most 8 runs \(9 selected\)/,
    );
  });

  it('read nothing from a link without a comparison', () => {
    expect(readComparison('?preset=tiny-check')).toBeNull();
  });

  it('refuse more than 8 entries in a link, naming the count', () => {
    const reading = readComparison(`?compare=${handMade(Array(9).fill('preset=tiny-check'))}`);
    expect(reading).toEqual({
      configs: [],
      issues: [{ field: 'compare', message: 'the comparison names 9 runs: at most 8 are allowed' }],
    });
  });

  it('refuse an over-long value, bad characters and text that does not inflate', () => {
    const long = readComparison(`?compare=${'A'.repeat(MAX_COMPARE_CHARS + 1)}`);
    expect(long?.issues[0].message).toBe('3001 characters exceed the limit of 3000');
    expect(readComparison('?compare=ab$cd')?.issues[0].message).toMatch(/outside base64url/);
    expect(readComparison('?compare=AAAA')?.issues[0].message).toMatch(/^not a comparison/);
    expect(readComparison(`?compare=${handMade({ a: 1 })}`)?.issues[0].message).toBe(
      'the comparison is not a non-empty list of configs',
    );
  });

  it('name a bad entry and its field, and keep the good entries', () => {
    const reading = readComparison(
      `?compare=${handMade(['preset=tiny-check&steps=40', 'preset=tiny-check&lr=-1', 'preset=nope', 7, 'preset=tiny-check&autorun=1'])}`,
    );
    expect(reading?.configs).toEqual([variant({ steps: 40 })]);
    const fields = reading?.issues.map((i) => i.field) ?? [];
    expect(fields).toContain('compare #2 · lr');
    expect(fields).toContain('compare #3 · preset');
    expect(fields).toContain('compare #4 · (entry)');
    expect(fields).toContain('compare #5 · autorun');
    expect(reading?.issues.find((i) => i.field === 'compare #3 · preset')?.message).toBe(
      'unknown preset "nope"',
    );
  });
});
