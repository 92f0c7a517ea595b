import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../engine/config/resolve';
import type { NetConfig } from '../../engine/config/schema';
import { parseList, sweepRequest } from './sweepStore';

describe('noise-sweep inputs', () => {
  it('read η and seed lists with the one list grammar (spaces, trailing comma)', () => {
    expect(parseList('0, 0.1 0.2,', 'η values')).toEqual([0, 0.1, 0.2]);
  });
  it('name the input and the bad entry, and refuse an empty list', () => {
    expect(() => parseList('0, abc', 'η values')).toThrow('η values: "abc" is not a number');
    expect(() => parseList(' , ', 'seeds')).toThrow('seeds: give at least one value');
  });
  it('check the whole sweep as it is typed, by the engine’s rules, before anything runs', () => {
    const base = resolveConfig({ preset: 'md-mnist-quick' }) as NetConfig;
    expect(sweepRequest('0, 0.2', '1, 2', base)).toEqual({
      request: { etas: [0, 0.2], seeds: [1, 2] },
    });
    expect(sweepRequest('0, 0.2', '0, -1', base)).toEqual({
      problem: 'sweep: seed 0 is not a positive integer',
    });
    expect(sweepRequest('0, 1.5', '1', base)).toEqual({
      problem: 'sweep: η = 1.5 is outside [0, 1)',
    });
  });
});
