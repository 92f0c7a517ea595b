// Every figure preset validates (browser and full size), and its browser variant runs a few steps
// and yields the metrics its figure draws.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendInfo } from '../core/backend';
import type { NetConfig } from '../config/schema';
import { loadNetData } from '../data/fromConfig';
import { loadEmbeddedNode } from '../data/node';
import { gridFigure } from './figure';
import { FIGURE_PRESETS, mdSweepOfMembers } from './figures';
import { runGrid } from './runner';
import { expandGrid, type ExpandedGrid, type GridMember } from './spec';

let backend: BackendInfo;
beforeAll(async () => {
  backend = await initBackend('wasm');
});

const loadData = (c: NetConfig) =>
  loadNetData(c, async (name) => {
    if (name === 'mnist' || name === 'fashion-mnist') return loadEmbeddedNode(name);
    throw new Error(`${name} is not embedded`);
  });

/** The same members, trained only a few steps (one epoch, or 20 UFM steps). */
function shortened(grid: ExpandedGrid, members: GridMember[]): GridMember[] {
  return members.map((m) => ({
    ...m,
    config:
      m.config.experiment === 'ufm'
        ? { ...m.config, steps: 20, reportEvery: 10 }
        : { ...m.config, epochs: 1, measureEvery: 1 },
  }));
}

describe('figure presets', () => {
  it('each has a sentence on what to see, and both variants validate with distinct members', () => {
    expect(new Set(FIGURE_PRESETS.map((f) => f.id)).size).toBe(FIGURE_PRESETS.length);
    for (const f of FIGURE_PRESETS) {
      expect(f.whatToSee, f.id).toMatch(/^[A-Z].{40,}[.]$/);
      expect(f.whatToSee, f.id).toMatch(/paper/);
      for (const spec of [f.browser, f.full]) {
        const grid = expandGrid(spec);
        expect(grid.members.length, f.id).toBeGreaterThanOrEqual(3);
        expect(new Set(grid.members.map((m) => m.id)).size).toBe(grid.members.length);
      }
      // The browser variant stays on embedded data; the full one is the paper's size.
      const browser = expandGrid(f.browser).base;
      if (browser.experiment === 'net') expect(['gaussian', 'mnist']).toContain(browser.dataset);
    }
  });

  for (const f of FIGURE_PRESETS) {
    it(`${f.id}: the browser variant's first and last members run a few steps and give the figure's metrics`, async () => {
      const grid = expandGrid(f.browser);
      const ends = [grid.members[0], grid.members.at(-1)!];
      const result = await runGrid(grid, backend, { loadData, only: shortened(grid, ends) });
      expect(result.members.map((m) => m.result.status)).toEqual(['completed', 'completed']);
      if (f.figure.kind === 'curves') {
        for (const metric of f.figure.metrics) {
          const figure = gridFigure(result.members, metric.key);
          expect(figure.lines, metric.key).toHaveLength(2);
          for (const line of figure.lines)
            expect(line.y.at(-1), `${f.id} ${metric.key}`).toEqual(expect.any(Number));
        }
        if (grid.base.experiment === 'ufm') {
          // The loss panel's dashed line per member: the closed-form minimum of its depth.
          const loss = gridFigure(result.members, 'loss');
          expect(loss.reference.map((r) => r.id)).toEqual(loss.lines.map((l) => l.id));
          expect(loss.reference[1].value).toBe(result.members[1].result.theory!.lossMin);
          expect(loss.reference[0].value).not.toBe(loss.reference[1].value);
        }
      } else {
        const sweep = mdSweepOfMembers(result.members);
        expect(sweep.losses).toEqual(['ce', 'ls']);
        for (const s of sweep.scatter) expect(s.points).toHaveLength(1);
      }
    }, 120_000);
  }
});
