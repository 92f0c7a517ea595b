import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../core/backend';
import { resolveConfig } from '../config/resolve';
import type { UfmConfig } from '../config/schema';
import { viewRows } from './geometry';
import { UfmSession } from './session';

beforeAll(async () => {
  await initBackend('wasm');
});

describe("the UFM's samples in the 3-D view", () => {
  it('are evenly spaced rows, at most 400 and at most 16 384 numbers a report', () => {
    expect(viewRows(100, 3)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(viewRows(1000, 3)).toHaveLength(400);
    expect(viewRows(1000, 3).slice(0, 3)).toEqual([0, 2, 5]);
    const wide = viewRows(4000, 2048);
    expect(wide).toHaveLength(8);
    expect(wide[1]).toBe(500);
    expect(viewRows(400, 64)).toHaveLength(256);
  });

  it("are the run's own features, centred as the means are, each with its class", async () => {
    const config = resolveConfig({ preset: 'teach-etf-3d', steps: 10 }) as UfmConfig;
    const session = new UfmSession(config);
    try {
      const report = await session.measure('cheap');
      const view = report.geometry.view3d;
      const state = await session.snapshot();
      // teach-etf-3d: 4 classes of 25 in d = 3, a bias, so everything is centred
      expect(view.samples?.points).toHaveLength(100);
      const perClass = [0, 1, 2, 3].map((k) => view.samples?.labels.filter((l) => l === k).length);
      expect(perClass).toEqual([25, 25, 25, 25]);
      const global = [0, 1, 2].map((j) => state.H.reduce((s, h) => s + h[j], 0) / state.H.length);
      view.samples?.points.forEach((p, i) =>
        p.forEach((v, j) => expect(v).toBeCloseTo(state.H[i][j] - global[j], 5)),
      );
      // the labels go with their rows: each mean is the centre of its class's cloud
      view.means.forEach((m, k) => {
        const cloud = view.samples!.points.filter((_, i) => view.samples!.labels[i] === k);
        m.forEach((v, j) => expect(v).toBeCloseTo(cloud.reduce((s, p) => s + p[j], 0) / 25, 5));
      });
    } finally {
      session.dispose();
    }
  });
});
