import { describe, expect, it } from 'vitest';
import { parseList } from './sweepStore';

describe('noise-sweep inputs', () => {
  it('read η and seed lists with the one list grammar (spaces, trailing comma)', () => {
    expect(parseList('0, 0.1 0.2,', 'η values')).toEqual([0, 0.1, 0.2]);
  });
  it('name the input and the bad entry, and refuse an empty list', () => {
    expect(() => parseList('0, abc', 'η values')).toThrow('η values: "abc" is not a number');
    expect(() => parseList(' , ', 'seeds')).toThrow('seeds: give at least one value');
  });
});
