import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendInfo } from '../core/backend';
import { resolveConfig } from '../config/resolve';
import { runExperiment } from '../run/runner';
import type { RunResult } from '../run/result';
import { parseImport, parseLongCsv, toBundle, toLongCsv } from './exchange';

let backend: BackendInfo;
let a: RunResult;
let b: RunResult;
beforeAll(async () => {
  backend = await initBackend('wasm');
  a = await runExperiment(resolveConfig({ preset: 'tiny-check', steps: 40, depth: 3 }), backend);
  b = await runExperiment(resolveConfig({ preset: 'tiny-check', steps: 40, seed: 5 }), backend);
});

describe('run export and import', () => {
  it('the JSON bundle re-imports to the same results, names and tags', () => {
    const runs = [
      { name: 'deep, "quoted"', tags: ['m3'], result: a },
      { name: 'seed 5', tags: [], result: b },
    ];
    const text = JSON.stringify(toBundle(runs));
    const back = parseImport(JSON.parse(text), 'runs.json');
    expect(back).toEqual(JSON.parse(JSON.stringify(runs)));
    expect(back[0].result.history[2].metrics.nc1_pinv).toBe(a.history[2].metrics.nc1_pinv);
  });

  it('a single RunResult and a list of them import, named after the file', () => {
    const one = parseImport(JSON.parse(JSON.stringify(a)), 'deep.json');
    expect(one.map((r) => r.name)).toEqual(['deep']);
    const two = parseImport(JSON.parse(JSON.stringify([a, b])), 'both.json');
    expect(two.map((r) => r.name)).toEqual(['both #1', 'both #2']);
    expect(two[1].result.config.seed).toBe(5);
  });

  it("a grid's merged results (npm run grid -- merge) import as one run per member, tagged by the grid", () => {
    const merged = {
      kind: 'nc-lab-grid',
      name: 'depth',
      spec: {},
      members: [
        { index: 0, id: 'depth=3,seed=1', overrides: { depth: 3 }, result: a },
        { index: 1, id: 'depth=1,seed=5', overrides: { depth: 1 }, result: b },
      ],
      summary: [],
    };
    const runs = parseImport(JSON.parse(JSON.stringify(merged)), 'merged.json');
    expect(runs.map((r) => r.name)).toEqual(['depth · depth=3,seed=1', 'depth · depth=1,seed=5']);
    expect(runs.every((r) => r.tags.includes('grid:depth'))).toBe(true);
    expect(runs[0].result.history).toEqual(JSON.parse(JSON.stringify(a.history)));
    const broken = { ...merged, members: [{ id: 'x', result: { ...a, status: 'odd' } }] };
    expect(() => parseImport(JSON.parse(JSON.stringify(broken)), 'merged.json')).toThrow(
      /merged.json, member x: status/,
    );
  });

  it('the long CSV has one row per run, step, key and layer, and reads back to the same values', () => {
    const csv = toLongCsv([
      { name: 'deep, "quoted"', history: a.history },
      { name: 'seed 5', history: b.history },
    ]);
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('run,step,key,layer,value');
    // A per-layer metric of the depth-3 run: one row per layer, numbered from 1.
    const perLayer = lines.filter((l) => l.startsWith('"deep, ""quoted""",40,deep_nc1_pinv,'));
    expect(perLayer.map((l) => l.split(',')[4])).toEqual(['1', '2', '3']);
    const back = parseLongCsv(csv);
    expect(back.get('deep, "quoted"')).toEqual(JSON.parse(JSON.stringify(a.history)));
    expect(back.get('seed 5')).toEqual(JSON.parse(JSON.stringify(b.history)));
  });

  it('refuses what is not a result, naming the file and the field', () => {
    expect(() => parseImport({ hello: 1 }, 'x.json')).toThrow(/x\.json: not an NC Lab result/);
    const broken = { ...JSON.parse(JSON.stringify(a)), history: [{ step: -1, metrics: {} }] };
    expect(() => parseImport(broken, 'y.json')).toThrow(/y\.json: history\.0\.step/);
    const badConfig = {
      ...JSON.parse(JSON.stringify(a)),
      config: { experiment: 'ufm', hidden: -1 },
    };
    expect(() => parseImport(badConfig, 'z.json')).toThrow(/z\.json: config: hidden/);
    const badKey = {
      ...JSON.parse(JSON.stringify(a)),
      history: [{ step: 0, metrics: { nc1_pinvv: 1 } }],
    };
    expect(() => parseImport(badKey, 'k.json')).toThrow(
      /k\.json: history\.0\.metrics\.nc1_pinvv: not a metric any run reports/,
    );
    expect(() => parseLongCsv('run,step,key,layer,value\nr,0,nc1_pinvv,,1\n')).toThrow(
      /CSV line 2: "nc1_pinvv" is not a metric any run reports/,
    );
    expect(() => parseLongCsv('a,b\n')).toThrow(/first line must be "run,step,key,layer,value"/);
    expect(() => parseLongCsv('run,step,key,layer,value\nr,x,loss,,1\n')).toThrow(
      /CSV line 2: step "x"/,
    );
  });
});
