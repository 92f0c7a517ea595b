// Running grids: the 8 runs of a 2 × 2 × 2 grid, its figure, resume after an interruption, pause
// and cancel.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendInfo } from '../core/backend';
import type { NetConfig } from '../config/schema';
import { loadNetData } from '../data/fromConfig';
import { gridFigure, summaryRow } from './figure';
import {
  GridRun,
  runGrid,
  type GridMemberResult,
  type GridProgress,
  type InterruptedMember,
} from './runner';
import { expandGrid } from './spec';

let backend: BackendInfo;
beforeAll(async () => {
  backend = await initBackend('cpu');
});

const loadData = (c: NetConfig) => loadNetData(c, () => Promise.reject(new Error('unused')));

const spec = {
  name: 'small',
  base: {
    experiment: 'net',
    dataset: 'gaussian',
    gaussClasses: 3,
    gaussDim: 6,
    perClass: [12],
    model: 'mlp',
    width: 8,
    depthRelu: 1,
    batchnorm: false,
    optimizer: 'adam',
    lr: 0.01,
    lrStep: 0,
    batchSize: 0,
    epochs: 3,
    measureEvery: 1,
    measureSamples: 0,
  },
  axes: [
    { field: 'depthLinear', values: [1, 2] },
    { field: 'width', values: [8, 12] },
  ],
  seeds: [1, 2],
};

/** What two runs of the same member must agree on. */
const fingerprint = (m: GridMemberResult) => ({
  id: m.id,
  status: m.result.status,
  losses: m.result.history.map((h) => h.metrics.loss),
});

describe('running a grid', () => {
  let full: GridMemberResult[];

  it('2 fields × 2 values × 2 seeds on a Gaussian mixture: 8 runs whose configs are the cross product, one figure line each', async () => {
    const grid = expandGrid(spec);
    const progress: GridProgress[] = [];
    const seen: string[] = [];
    const result = await runGrid(grid, backend, {
      loadData,
      onProgress: (p) => progress.push(p),
      onMemberDone: (m) => {
        seen.push(m.id);
      },
    });
    full = result.members;
    expect(result.status).toBe('completed');
    expect(result.members).toHaveLength(8);
    expect(seen).toEqual(grid.members.map((m) => m.id));
    const configs = result.members.map((m) => m.result.config as NetConfig);
    expect(configs.map((c) => [c.depthLinear, c.width, c.seed])).toEqual([
      [1, 8, 1],
      [1, 8, 2],
      [1, 12, 1],
      [1, 12, 2],
      [2, 8, 1],
      [2, 8, 2],
      [2, 12, 1],
      [2, 12, 2],
    ]);
    expect(result.members.every((m) => m.result.status === 'completed')).toBe(true);
    // Seeds matter: the same point with another seed trains differently.
    expect(fingerprint(full[0]).losses).not.toEqual(fingerprint(full[1]).losses);

    const figure = gridFigure(result.members, 'nc1_pinv');
    expect(figure.xUnit).toBe('epoch');
    expect(figure.lines).toHaveLength(8);
    expect(figure.lines[7].label).toBe('depthLinear = 2, width = 12, seed = 2');
    // Epochs 0…3, one measurement each.
    for (const line of figure.lines) {
      expect(line.x).toEqual([0, 1, 2, 3]);
      expect(line.y.every((v) => typeof v === 'number' && v > 0)).toBe(true);
    }

    const last = progress.at(-1)!;
    expect([last.done, last.total, last.current, last.timeLeftMs]).toEqual([8, 8, null, 0]);
    expect(progress.some((p) => p.current?.id === grid.members[3].id)).toBe(true);
    const row = summaryRow(result.members[2]);
    expect(row).toMatchObject({ id: 'depthLinear=1,width=12,seed=1', status: 'completed' });
    expect(row.final.loss).toBe(result.members[2].result.final!.metrics.loss);
  });

  it('asks beforeMember for each member’s backend with its own config and nothing alive, and runs it there', async () => {
    const grid = expandGrid({ ...spec, seeds: [1] });
    const asked: { width: number; tensors: number }[] = [];
    const tagged = (width: number): BackendInfo => ({ ...backend, notes: [`for width ${width}`] });
    const result = await runGrid(grid, backend, {
      loadData,
      beforeMember: async (config) => {
        asked.push({ width: (config as NetConfig).width, tensors: tf.memory().numTensors });
        return tagged((config as NetConfig).width);
      },
    });
    expect(asked.map((a) => a.width)).toEqual([8, 12, 8, 12]);
    // the previous member is disposed before the next asks (a wasm restart needs that)
    expect(new Set(asked.map((a) => a.tensors)).size).toBe(1);
    expect(result.members.map((m) => m.result.backend.notes)).toEqual(
      [8, 12, 8, 12].map((w) => [`for width ${w}`]),
    );
  });

  it('interrupted after 3 members and resumed from the kept ones, it ends with the same results as uninterrupted', async () => {
    const grid = expandGrid(spec);
    const kept: GridMemberResult[] = [];
    const first = new GridRun(grid, backend, {
      loadData,
      onMemberDone: (m) => {
        kept.push(m);
        if (kept.length === 3) first.cancel();
      },
    });
    const partial = await first.run();
    expect(partial.status).toBe('stopped');
    expect(partial.members.map((m) => m.id)).toEqual(grid.members.slice(0, 3).map((m) => m.id));

    // A "reload": a new expansion of the same spec, with the kept members handed back.
    const ran: string[] = [];
    const resumed = await runGrid(expandGrid(spec), backend, {
      loadData,
      completed: kept,
      onMemberDone: (m) => {
        ran.push(m.id);
      },
    });
    expect(ran).toEqual(grid.members.slice(3).map((m) => m.id));
    // Kept runs of another base (same ids) are refused rather than mixed in.
    const otherBase = expandGrid({ ...spec, base: { ...spec.base, epochs: 4 } });
    await expect(runGrid(otherBase, backend, { loadData, completed: kept })).rejects.toThrow(
      /kept result "depthLinear=1,width=8,seed=1" was run with another config/,
    );
    expect(resumed.status).toBe('completed');
    expect(resumed.members.map(fingerprint)).toEqual(full.map(fingerprint));
  });

  it('a member interrupted mid-run resumes from its checkpoint, not its seed, and ends with the uninterrupted numbers', async () => {
    const grid = expandGrid(spec);
    const target = grid.members[3];
    const kept: GridMemberResult[] = [];
    let saved: InterruptedMember | null = null;
    const first = new GridRun(grid, backend, {
      loadData,
      checkpointEvery: 1,
      onMemberDone: (m) => {
        kept.push(m);
      },
      onMemberCheckpoint: (state) => {
        saved = state;
        // The "reload": the page goes away after the member's first epoch.
        if (state.id === target.id && state.checkpoint.step === 1) first.cancel();
      },
    });
    const partial = await first.run();
    expect(partial.members.map((m) => m.id)).toEqual(grid.members.slice(0, 3).map((m) => m.id));
    const interrupted = JSON.parse(JSON.stringify(saved)) as InterruptedMember; // as stored
    expect([interrupted.id, interrupted.checkpoint.step]).toEqual([target.id, 1]);
    expect(interrupted.history.map((h) => h.step)).toEqual([0, 1]);

    const firstSteps = new Map<string, number>();
    const resumed = await runGrid(expandGrid(spec), backend, {
      loadData,
      completed: kept,
      interrupted: [interrupted],
      onProgress: (p) => {
        if (p.current && !firstSteps.has(p.current.id))
          firstSteps.set(p.current.id, p.current.step);
      },
    });
    expect(resumed.resumed).toEqual([{ id: target.id, step: 1 }]);
    // It continued from epoch 1 (the others start at 0) …
    expect(firstSteps.get(target.id)).toBe(1);
    expect(firstSteps.get(grid.members[4].id)).toBe(0);
    // … and its whole history and final report equal the uninterrupted member's, bit for bit.
    const again = resumed.members.find((m) => m.id === target.id)!;
    const whole = full.find((m) => m.id === target.id)!;
    expect(again.result.history).toEqual(whole.result.history);
    expect(again.result.final?.metrics).toEqual(whole.result.final?.metrics);
    expect(resumed.members.map(fingerprint)).toEqual(full.map(fingerprint));

    // A checkpoint of another member's config is refused naming the fields that differ.
    const wrong = { ...interrupted, id: grid.members[0].id };
    await expect(runGrid(grid, backend, { loadData, interrupted: [wrong] })).rejects.toThrow(
      /interrupted member "depthLinear=1,width=8,seed=1": the checkpoint was taken from another config: width \(12 there, 8 here\), seed/,
    );
  });

  it('cancel mid-member drops that member; pause holds the grid until resume', async () => {
    const grid = expandGrid({ ...spec, axes: [{ field: 'width', values: [8, 12] }], seeds: [1] });
    const run = new GridRun(grid, backend, {
      loadData,
      onProgress: (p) => {
        if (p.current?.step === 1 && p.current.index === 0) run.cancel();
      },
    });
    const stopped = await run.run();
    expect([stopped.status, stopped.members.length]).toEqual(['stopped', 0]);

    const paused = new GridRun(grid, backend, { loadData });
    paused.pause();
    let settled = false;
    const done = paused.run().then((r) => {
      settled = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    paused.resume();
    const result = await done;
    expect([result.status, result.members.length]).toEqual(['completed', 2]);
  });
});
