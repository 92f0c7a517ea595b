// Which kept runs a grid's Resume may skip: the grid's identity tag, and kept results that are
// whole and of each member's exact config.
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../run/result';
import type { Report } from '../session/types';
import {
  findKeptMembers,
  gridIdentityTag,
  gridMemberTags,
  keptMemberProblem,
  listedKeptMembers,
  type KeptCandidate,
} from './kept';
import { expandGrid, type GridMember } from './spec';

const spec = {
  name: 'kept',
  base: { preset: 'tiny-check', steps: 40, reportEvery: 20 },
  axes: [{ field: 'lr', values: [0.01, 0.1] }],
  seeds: [1, 2],
};
const grid = expandGrid(spec);

/** A whole, finished result of a member (reports at steps 0, 20, 40), loss marking which run. */
function resultOf(member: GridMember, loss = 1): RunResult {
  const history = [0, 20, 40].map((step) => ({ step, metrics: { loss: loss / (step + 1) } }));
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

const candidate = (result: RunResult | null, createdAt = 0, tags = gridMemberTags(grid)) =>
  ({ tags, createdAt, load: () => Promise.resolve(result) }) satisfies KeptCandidate;

describe('kept grid members', () => {
  it('a grid’s identity ignores its spelling, limits and checkpoint interval, not its name, base, axes or seeds', () => {
    const id = gridIdentityTag(grid);
    expect(id).toMatch(/^grid-id:[0-9a-f]{16}$/);
    const same = [
      { ...spec, checkpointEvery: 3, maxMembers: 10 },
      { ...spec, axes: [{ field: 'lr', range: { from: 0.01, to: 0.1, logStep: 1 } }] },
    ];
    for (const s of same) expect(gridIdentityTag(expandGrid(s))).toBe(id);
    const other = [
      { ...spec, name: 'other' },
      { ...spec, base: { ...spec.base, steps: 60 } },
      { ...spec, axes: [{ field: 'lr', values: [0.01, 0.2] }] },
      { ...spec, seeds: [1, 3] },
    ];
    for (const s of other) expect(gridIdentityTag(expandGrid(s))).not.toBe(id);
    expect(gridMemberTags(grid)).toEqual(['grid', 'grid:kept', id]);
  });

  it('names why a kept result cannot stand for a member: another config, unfinished, or incomplete', () => {
    const [m0, m1] = grid.members;
    const ok = resultOf(m0);
    expect(keptMemberProblem(m0, ok)).toBeNull();
    expect(keptMemberProblem(m0, { ...ok, status: 'diverged' })).toBeNull();
    expect(keptMemberProblem(m1, ok)).toBe('run with another config');
    expect(keptMemberProblem(m0, { ...ok, status: 'stopped' })).toBe('its status is stopped');
    expect(keptMemberProblem(m0, { ...ok, status: 'failed' })).toBe('its status is failed');
    expect(keptMemberProblem(m0, { ...ok, final: null })).toBe('it has no final report');
    expect(keptMemberProblem(m0, { ...ok, history: [] })).toBe(
      'its history does not start at step 0',
    );
    expect(keptMemberProblem(m0, { ...ok, history: ok.history.slice(0, 2) })).toBe(
      'its history ends at step 20, its final report at 40',
    );
    expect(
      keptMemberProblem(m0, { ...ok, history: [ok.history[0], ok.history[2], ok.history[2]] }),
    ).toBe('its history is out of order');
  });

  it('finds, in grid order, the newest whole kept result of each member and passes over the rest', async () => {
    const [m0, m1, m2, m3] = grid.members;
    const found = await findKeptMembers(grid, [
      candidate(resultOf(m2, 2), 5),
      candidate(resultOf(m0, 1), 1),
      candidate(resultOf(m0, 7), 9), // newer: wins over the one above
      candidate({ ...resultOf(m1), status: 'stopped' }, 3), // incomplete: m1 runs again
      candidate({ ...resultOf(m3), final: null }, 4), // damaged: m3 runs again
      candidate(resultOf(m3), 6, ['grid', 'grid:kept', 'grid-id:0000000000000000']), // another grid
      { tags: gridMemberTags(grid), createdAt: 8, load: () => Promise.reject(new Error('bad')) },
      candidate(null, 10), // gone since it was listed
    ]);
    expect(found.map((m) => [m.index, m.id, m.result.history[0].metrics.loss])).toEqual([
      [0, m0.id, 7],
      [2, m2.id, 2],
    ]);
    expect(found[1].overrides).toEqual(m2.overrides);
  });

  it('a listing promises the members whose records are finished and of this grid', () => {
    const [m0, m1, m2] = grid.members;
    const tags = gridMemberTags(grid);
    const ids = listedKeptMembers(grid, [
      { tags, status: 'completed', config: m0.config },
      { tags, status: 'interrupted', config: m1.config },
      { tags: ['grid', 'grid:kept'], status: 'completed', config: m2.config },
      { tags, status: 'completed', config: { ...m2.config, steps: 41 } },
    ]);
    expect([...ids]).toEqual([m0.id]);
  });
});
