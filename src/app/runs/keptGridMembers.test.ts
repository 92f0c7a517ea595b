import { describe, expect, it } from 'vitest';
import { gridMemberTags } from '../../engine/grid/kept';
import { expandGrid, type GridMember } from '../../engine/grid/spec';
import type { RunResult } from '../../engine/run/result';
import type { Report } from '../../engine/session/types';
import { keptGridMembers } from './keptGridMembers';
import { MemoryStore } from './keyValueStore';
import { RunLibrary } from './library';

const grid = expandGrid({
  name: 'lib',
  base: { preset: 'tiny-check', steps: 40, reportEvery: 20 },
  axes: [{ field: 'depth', values: [1, 2] }],
  seeds: [1, 2],
});

function resultOf(member: GridMember): RunResult {
  const history = [0, 20, 40].map((step) => ({
    step,
    metrics: { loss: member.index + 1 / (step + 1), nc1_pinv: 0.5 / (step + 1) },
  }));
  return {
    schemaVersion: 1,
    app: { name: 'nc-lab', version: 'test' },
    config: member.config,
    backend: { backend: 'cpu' } as RunResult['backend'],
    status: 'completed',
    message: null,
    history,
    final: { ...history[2], totalSteps: 40 } as unknown as Report,
    theory: null,
    timing: { trainMs: 1, measureMs: 1, stepsPerSecond: 1 },
    breakdown: null,
  };
}

describe('a grid’s members kept in the run library', () => {
  it('are found by the grid’s identity and config as they were kept; a record missing its end or history, or damaged, is passed over', async () => {
    const store = new MemoryStore();
    const library = new RunLibrary(store);
    const records = await library.importResults(
      grid.members.map((m) => ({
        name: `lib · ${m.id}`,
        tags: gridMemberTags(grid),
        result: resultOf(m),
      })),
      'grid',
    );
    // Also kept, later: a file imported by hand with a member's config and tags, other numbers.
    const other = resultOf(grid.members[3]);
    other.history = other.history.map((h) => ({ ...h, metrics: { loss: 100 } }));
    await library.importResults([{ name: 'by hand', tags: gridMemberTags(grid), result: other }]);
    const found = await keptGridMembers(library, grid);
    expect(found.map((m) => m.id)).toEqual(grid.members.map((m) => m.id));
    expect(found[3].result.history).toEqual(resultOf(grid.members[3]).history); // the grid's own
    expect(found[2].result.history).toEqual(resultOf(grid.members[2]).history);
    expect(found[2].result.final?.metrics).toEqual(resultOf(grid.members[2]).final?.metrics);

    store.data.delete(`e:${records[0].id}`); // its end (final report) lost
    store.data.delete(`h:${records[1].id}:0`); // its history lost
    store.data.set(`r:${records[2].id}`, { v: 1, id: records[2].id, name: 'garbled' });
    const left = await keptGridMembers(library, grid);
    expect(left.map((m) => m.id)).toEqual([grid.members[3].id]);
  });
});
