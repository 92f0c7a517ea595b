import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendInfo } from '../core/backend';
import { resolveConfig } from '../config/resolve';
import {
  calibrateGrid,
  estimateGrid,
  estimateText,
  formatDuration,
  probeMembers,
  speedKind,
  speedsFromKeptRuns,
  type KeptRunSpeed,
} from './estimate';
import { expandGrid } from './spec';

let backend: BackendInfo;
beforeAll(async () => {
  backend = await initBackend('wasm');
});

/** 2 widths × 2 learning rates × 2 seeds of a short UFM: two kinds of member (the widths). */
const spec = {
  base: { preset: 'tiny-check', steps: 100 },
  axes: [
    { field: 'hidden', values: [8, 16] },
    { field: 'lr', values: [0.05, 0.1] },
  ],
  seeds: [1, 2],
};

describe('grid time estimate', () => {
  it('members differing only in seed or learning rate share a speed; another width is another kind', () => {
    const grid = expandGrid(spec);
    const kinds = grid.members.map((m) => speedKind(m.config));
    expect(new Set(kinds).size).toBe(2);
    expect(kinds.slice(0, 4).every((k) => k === kinds[0])).toBe(true);
    expect(kinds[4]).not.toBe(kinds[0]);
    expect(probeMembers(grid, 4).map((m) => m.id)).toEqual([
      'hidden=8,lr=0.05,seed=1',
      'hidden=16,lr=0.05,seed=1',
    ]);
    expect(probeMembers(grid, 1)).toHaveLength(1);
  });

  it("sums each member's steps times its kind's speed; unmeasured kinds take the mean, the range the extremes", () => {
    const grid = expandGrid({ ...spec, axes: [...spec.axes, { field: 'depth', values: [1, 2] }] });
    const [firstKind, secondKind] = probeMembers(grid, 4).filter(
      (m) => m.config.experiment === 'ufm',
    );
    const speeds = new Map([
      [speedKind(firstKind.config), { msPerUnit: 2, source: 'test' }],
      [speedKind(secondKind.config), { msPerUnit: 6, source: 'test' }],
    ]);
    const e = estimateGrid(grid, speeds, 'given speeds');
    // 16 members of 100 steps; 4 kinds (width × depth), two of them measured (4 members each).
    expect([e.members, e.work, e.measuredMembers]).toEqual([16, 1600, 8]);
    const own = 4 * 100 * 2 + 4 * 100 * 6;
    expect(e.totalMs).toBe(own + 8 * 100 * 4);
    expect(e.lowMs).toBe(own + 8 * 100 * 2);
    expect(e.highMs).toBe(own + 8 * 100 * 6);
    expect(e.basis).toBe(
      'given speeds; 2 of 4 kinds of member measured; the other 8 members take their mean, the range their slowest and fastest; per-member setup not counted',
    );
    expect(estimateText(e)).toBe(`16 members, ≈ 6 s (5 s to 8 s): ${e.basis}`);
  });

  it("ignores speeds of kinds outside the grid: a UFM's ms a step never prices a network's epochs", () => {
    const ufm = expandGrid({ base: { preset: 'tiny-check' }, axes: [], seeds: [1] });
    const net = expandGrid({
      base: { preset: 'net-gauss-tiny' },
      axes: [{ field: 'depthLinear', values: [1, 3] }],
      seeds: [1],
    });
    const ufmSpeed = new Map([[speedKind(ufm.members[0].config), { msPerUnit: 0.2, source: 't' }]]);
    const e = estimateGrid(net, ufmSpeed, 'from kept runs on wasm');
    expect([e.totalMs, e.measuredMembers]).toEqual([null, 0]);
    expect(e.basis).toMatch(/^no speed known for these members/);
    // one of the grid's own two kinds measured: the other member takes its speed
    const one = new Map([
      ...ufmSpeed,
      [speedKind(net.members[0].config), { msPerUnit: 50, source: 't' }],
    ]);
    const both = estimateGrid(net, one, 'from kept runs on wasm');
    const first = net.members[0].config;
    expect(both.totalMs).toBe(2 * 50 * (first.experiment === 'net' ? first.epochs : NaN));
    expect(both.basis).toContain(
      '1 of 2 kinds of member measured; the other member takes their mean',
    );
  });

  it('with no speed known it says so and gives no number', () => {
    const e = estimateGrid(expandGrid(spec), new Map(), 'no kept run on wasm');
    expect([e.totalMs, e.lowMs, e.highMs]).toEqual([null, null, null]);
    expect(estimateText(e)).toBe(
      '8 members; no speed known for these members (no kept run on wasm): the time left appears once the first member has run',
    );
  });

  it('reads speeds from kept runs on the same backend only (a network by its steps per epoch), the median of several', () => {
    const ufm = resolveConfig({ preset: 'tiny-check' });
    const net = resolveConfig({ preset: 'net-gauss-tiny', epochs: 10 });
    const kept = (
      config: typeof ufm,
      backendName: string,
      step: number,
      ms: number,
      totalSteps = step,
    ): KeptRunSpeed => ({
      config,
      backend: { backend: backendName },
      step,
      totalSteps,
      timing: { trainMs: ms * 0.75, measureMs: ms * 0.25 },
    });
    const speeds = speedsFromKeptRuns(
      [
        kept(ufm, 'wasm', 100, 100),
        kept({ ...ufm, seed: 5 }, 'wasm', 100, 300),
        kept({ ...ufm, lr: 0.01 }, 'wasm', 200, 400),
        kept(ufm, 'webgpu', 100, 1),
        kept(net, 'wasm', 20, 200, 50), // 5 steps an epoch: 10 ms a step, 50 ms an epoch
        { ...kept(ufm, 'wasm', 0, 0), timing: null },
      ],
      'wasm',
    );
    expect(speeds.get(speedKind(ufm))).toEqual({ msPerUnit: 2, source: '3 kept runs on wasm' });
    expect(speeds.get(speedKind(net))?.msPerUnit).toBe(50);
    expect(speeds.size).toBe(2);
  });

  it('a calibration measures each kind of member on this backend, reports included, and names what it ran', async () => {
    const grid = expandGrid(spec);
    const speeds = await calibrateGrid(grid, backend, { probeMs: 100 });
    expect(speeds.size).toBe(2);
    for (const m of probeMembers(grid, 4)) {
      const s = speeds.get(speedKind(m.config));
      expect(s?.msPerUnit, m.id).toBeGreaterThan(0);
      expect(s?.source).toMatch(
        new RegExp(`^calibration of ${m.id}: \\d+ steps in \\d+\\.\\d s, a report in \\d+ ms$`),
      );
    }
    const e = estimateGrid(grid, speeds, 'calibration');
    expect(e.measuredMembers).toBe(8);
    expect(e.totalMs).toBeGreaterThan(0);
  });

  it('formats durations as an estimate reads', () => {
    expect([0, 12_400, 250_000, 3_900_000].map(formatDuration)).toEqual([
      '1 s',
      '12 s',
      '4 min 10 s',
      '1 h 05 min',
    ]);
  });
});
