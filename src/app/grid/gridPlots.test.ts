// The Grids panel's curves, from a real two-member UFM grid: a line per member in grid order,
// the closed-form f* dashed in its member's colour, on a log axis chosen for both.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../engine/core/backend';
import { runGrid, type GridMemberResult } from '../../engine/grid/runner';
import { expandGrid } from '../../engine/grid/spec';
import { logAxis } from '../panels/logAxis';
import type { GridState } from './gridStore';
import { buildCurves, DEFAULT_METRICS } from './gridPlots';

let members: GridMemberResult[];
beforeAll(async () => {
  const backend = await initBackend('cpu');
  const grid = expandGrid({
    name: 'two depths',
    base: { preset: 'tiny-check', steps: 40, reportEvery: 10 },
    axes: [{ field: 'depth', values: [1, 2] }],
    seeds: [1],
  });
  const result = await runGrid(grid, backend, {
    loadData: () => Promise.reject(new Error('a UFM loads no data')),
  });
  // Finished out of order, as a resumed grid hands them back.
  members = [...result.members].reverse();
});

/** The fields of a scatter trace these tests read. */
interface Line {
  name: string;
  y: number[];
  showlegend?: boolean;
  line: { color: string; dash?: string };
}

const state = (m: GridMemberResult[]) => ({ members: m }) as unknown as GridState;
const loss = DEFAULT_METRICS.find((m) => m.key === 'loss')!;

describe('the grid curves', () => {
  it('draw one line per member in grid order, and each member’s f* dashed in its colour', () => {
    const figure = buildCurves(state(members), loss)!;
    const data = figure.data as Line[];
    const lines = data.filter((d) => d.showlegend !== false);
    const refs = data.filter((d) => d.showlegend === false);
    expect(lines.map((d) => d.name)).toEqual(['depth = 1', 'depth = 2']);
    const [first] = [...members].sort((a, b) => a.index - b.index);
    expect(lines[0].y).toEqual(first.result.history.map((h) => h.metrics.loss));
    expect(refs).toHaveLength(2);
    for (const [i, ref] of refs.entries()) {
      const y = ref.y;
      expect(y[0]).toBe(y[1]);
      expect(ref.line.dash).toBe('dash');
      expect(ref.line.color).toBe(lines[i].line.color);
    }
    // A log axis chosen for the curves and the dashed minima together.
    const all = [...lines, ...refs].flatMap((d) => d.y);
    expect(figure.layout.yaxis).toEqual({ title: { text: loss.title }, ...logAxis(all) });
    expect(figure.layout.xaxis).toEqual({ title: { text: 'step' } });
  });

  it('say which members end in exact zeros, which the log axis cannot draw', () => {
    const nc1 = DEFAULT_METRICS.find((m) => m.key === 'nc1_pinv')!;
    // depth 1 reaches exactly 0 at its third report (step 20); depth 2 never does
    const zeroed = members.map((m) =>
      m.result.config.experiment === 'ufm' && m.result.config.depth === 1
        ? {
            ...m,
            result: {
              ...m.result,
              history: m.result.history.map((h, i) => ({
                ...h,
                metrics: { ...h.metrics, nc1_pinv: i >= 2 ? 0 : 1 },
              })),
            },
          }
        : m,
    );
    const notes = buildCurves(state(zeroed), nc1)!.layout.annotations ?? [];
    expect(notes.map((n) => n.text)).toEqual(['depth = 1: = 0 from step 20']);
    expect(buildCurves(state(members), nc1)!.layout.annotations).toBeUndefined();
  });

  it('draw nothing before a member has finished', () => {
    expect(buildCurves(state([]), loss)).toBeNull();
  });
});
