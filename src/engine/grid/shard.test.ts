// Shard assignment and merging, without running anything (the members' results are stand-ins).
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../run/result';
import type { GridMemberResult } from './runner';
import { mergeMembers, parseShard, shardMembers } from './shard';
import { expandGrid } from './spec';

const grid = expandGrid({
  base: { preset: 'tiny-check' },
  axes: [{ field: 'depth', values: [1, 2, 3] }],
  seeds: [1, 2, 3],
});
const done = (index: number): GridMemberResult => ({
  index,
  id: grid.members[index].id,
  overrides: grid.members[index].overrides,
  result: { status: 'completed' } as RunResult,
});

describe('sharding a grid', () => {
  it('n shards cover every member exactly once, member i in shard i mod n', () => {
    for (const n of [1, 2, 4, 9, 12]) {
      const all = Array.from({ length: n }, (_, i) => shardMembers(grid, { index: i, count: n }));
      expect(
        all
          .flat()
          .map((m) => m.index)
          .sort((a, b) => a - b),
      ).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      all.forEach((share, i) => expect(share.every((m) => m.index % n === i)).toBe(true));
    }
  });

  it('parses i/n from 0 and names what is wrong', () => {
    expect(parseShard('3/4')).toEqual({ index: 3, count: 4 });
    expect(() => parseShard('4/4')).toThrow(/must be below n = 4/);
    expect(() => parseShard('1-4')).toThrow(/expected i\/n/);
    expect(() => parseShard('0/0')).toThrow(/n must be at least 1/);
  });

  it('merge puts members in grid order and refuses missing, doubled and foreign ones', () => {
    const all = [8, 7, 6, 5, 4, 3, 2, 1, 0].map(done);
    expect(mergeMembers(grid, all).map((m) => m.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(() => mergeMembers(grid, all.slice(0, 8))).toThrow(
      /9 members; 1 missing \(depth=1,seed=1\)/,
    );
    expect(() => mergeMembers(grid, [...all, done(4)])).toThrow(
      /1 present twice \(depth=2,seed=2\)/,
    );
    expect(() => mergeMembers(grid, [...all, { ...done(0), id: 'depth=7,seed=1' }])).toThrow(
      /1 not in this grid \(depth=7,seed=1\)/,
    );
  });
});
