import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendInfo } from '../core/backend';
import { resolveConfig } from '../config/resolve';
import type { NetConfig } from '../config/schema';
import { loadNetData } from '../data/fromConfig';
import { sweepGrid } from '../md/sweep';
import {
  checkSweepRequest,
  noiseSweepGrid,
  runNoiseSweep,
  type SweepMemberRun,
  type SweepProgress,
} from './sweepRunner';

let backend: BackendInfo;
beforeAll(async () => {
  backend = await initBackend('cpu');
});

const base = resolveConfig({
  experiment: 'net',
  dataset: 'gaussian',
  gaussClasses: 2,
  gaussDim: 8,
  gaussSeparation: 4,
  perClass: [40],
  model: 'mlp-md',
  width: 16,
  depthRelu: 2,
  loss: 'ce',
  pairWith: 'ls',
  optimizer: 'sgd',
  lr: 0.05,
  weightDecay: 1e-3,
  sepDecay: false,
  batchSize: 20,
  epochs: 4,
  measureSamples: 0,
  lrStep: 0,
}) as NetConfig;

const loadData = (c: NetConfig) => loadNetData(c, () => Promise.reject(new Error('unused')));

describe('noise sweep', () => {
  it('a small sweep gives the dilation-against-memorization data with a line per loss, and hands each run over as it finishes', async () => {
    const progress: SweepProgress[] = [];
    const finished: SweepMemberRun[] = [];
    const result = await runNoiseSweep(
      base,
      { etas: [0, 0.2, 0.4], seeds: [1, 2] },
      backend,
      loadData,
      (p) => progress.push(p),
      undefined,
      (run) => finished.push(run),
    );
    // Every run is handed over whole (for the run library), named by its grid member id.
    expect(finished).toHaveLength(12);
    expect(finished[0].id).toBe('loss=ce,labelNoise=0,seed=1');
    expect(finished.map((f) => f.result.config)).toEqual(
      result.runs.map((r) =>
        expect.objectContaining({ loss: r.loss, labelNoise: r.eta, seed: r.seed }),
      ),
    );
    expect(finished.map((f) => f.result.final?.metrics.md_dilation_rel_avg ?? null)).toEqual(
      result.runs.map((r) => r.dilation),
    );
    expect(result.request.losses).toEqual(['ce', 'ls']);
    expect(result.runs).toHaveLength(12);
    expect(result.runs.every((r) => r.status === 'completed')).toBe(true);
    expect(progress.at(-1)).toEqual({ done: 12, total: 12, current: null });
    for (const series of result.sweep.scatter) {
      // η = 0 has no corrupted sample: no memorization, left out with its reason.
      expect(series.points).toHaveLength(4);
      expect(series.excluded.map((e) => e.eta)).toEqual([0, 0]);
      expect(series.fit?.n).toBe(4);
      expect(Number.isFinite(series.fit?.slope)).toBe(true);
      expect(series.line).not.toBeNull();
    }
    for (const curve of result.sweep.accuracy) {
      expect(curve.points.map((p) => [p.eta, p.n])).toEqual([
        [0, 2],
        [0.2, 2],
        [0.4, 2],
      ]);
      for (const p of curve.points) expect(p.mean).toBeGreaterThan(0.4);
    }
    // Dilation is measured at η = 0 too (the clean spread), memorization is not.
    const clean = result.runs.find((r) => r.eta === 0)!;
    expect([clean.memorization, typeof clean.dilation]).toEqual([null, 'number']);
  });

  it('refuses a bad grid by naming what is wrong', () => {
    expect(() => checkSweepRequest(base, { etas: [1.2], seeds: [1] })).toThrow(/η = 1.2/);
    expect(() => checkSweepRequest(base, { etas: [0.1], seeds: [0] })).toThrow(/seed 0/);
    expect(() => checkSweepRequest(base, { etas: [], seeds: [1] })).toThrow(/no η/);
    const many = Array.from({ length: 61 }, (_, i) => i + 1);
    expect(() => checkSweepRequest(base, { etas: [0.1], seeds: many })).toThrow(/exceed/);
  });

  it('is a grid over loss × η × seeds: the same runs in the same order, alone and measured once at the end', () => {
    const grid = noiseSweepGrid(base, { etas: [0, 0.2], seeds: [1, 2] });
    const cells = grid.members.map((m) => {
      const c = m.config as NetConfig;
      expect([c.pairWith, c.measureEvery]).toEqual(['none', base.epochs]);
      return { loss: c.loss, eta: c.labelNoise, seed: c.seed };
    });
    expect(cells).toEqual(sweepGrid([1, 2], [0, 0.2], ['ce', 'ls']));
    expect(grid.members[5].id).toBe('loss=ls,labelNoise=0,seed=2');
  });
});
