import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendInfo } from '../core/backend';
import { resolveConfig } from '../config/resolve';
import { runExperiment } from '../run/runner';
import type { RunResult } from '../run/result';
import type { HistoryEntry } from '../session/types';
import {
  parseImport,
  parseImportText,
  parseLongCsv,
  RunImportError,
  runIdentity,
  toBundle,
  toLongCsv,
} from './exchange';

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

  it('refuses with a RunImportError naming the file (fuzz.test.ts regressions)', () => {
    const csv = (rows: string) => () => parseLongCsv(`run,step,key,layer,value\n${rows}`, 'r.csv');
    const refused = (f: () => unknown, message: RegExp) => {
      expect(f).toThrow(RunImportError);
      expect(f).toThrow(message);
    };
    // A key a scalar on one row and a list on another: was a TypeError ("Cannot create property
    // '0' on number '1'"); the same for a layer that is a value and a list.
    refused(
      csv('r,0,loss,,1\nr,0,loss,1,2\n'),
      /r\.csv: CSV line 3: "loss" at step 0 is a single value/,
    );
    refused(
      csv('r,0,deep_nc1_pinv,1,1\nr,0,deep_nc1_pinv,1.1,2\n'),
      /r\.csv: CSV line 3: "deep_nc1_pinv" layer 1 at step 0 is both a value and a list/,
    );
    // A layer numbered past what the file holds: was a sparse list 999 999 999 long (its export
    // then walks every hole); layer 0 was kept under the key "-1" and lost on export.
    refused(
      csv('r,0,deep_nc1_pinv,999999999,1\n'),
      /line 2: layer "999999999" numbers more entries than the file has rows/,
    );
    refused(csv('r,0,deep_nc1_pinv,0,1\n'), /line 2: layer "0" is not a layer number/);
    refused(
      csv('r,0,deep_nc1_pinv,2,1\nr,0,loss,,1\n'),
      /step 0, "deep_nc1_pinv": no row for layer 1/,
    );
    // Steps and values Number() reads loosely: "" was step 0, "0x10" the value 16, "1e999" Infinity.
    refused(csv('r,,loss,,1\n'), /line 2: step "" is not a whole number/);
    refused(csv('r,0,loss,,0x10\n'), /line 2: value "0x10" is not a number/);
    refused(csv('r,0,loss,,1e999\n'), /line 2: value "1e999" is not a number/);
    refused(csv('"r,0,loss,,1\n'), /line 2: a quoted field is not closed/);
    // JSON: not JSON, nested past any result (was accepted in "theory" and then a RangeError on
    // export; a RangeError describing a bundle's "version").
    refused(() => parseImportText('{', 'x.json'), /^x\.json is not valid JSON/);
    const deep = '['.repeat(100_000) + '1' + ']'.repeat(100_000);
    const text = JSON.stringify(a).replace('"theory":', `"theory":{"x":${deep}},"_":`);
    refused(
      () => parseImportText(text, 'd.json'),
      /d\.json: \(root\)\.theory\.x\.0.* nested more than 32 levels/,
    );
    refused(
      () => parseImportText(`{"format":"nc-lab-runs","version":${deep},"runs":[]}`, 'v.json'),
      /v\.json: runs bundle version a list is not supported/,
    );
  });

  it('refuses a run the library could not keep as it came in (was imported, then dropped with a note at the next page load)', () => {
    const run = JSON.parse(JSON.stringify(a)) as RunResult & Record<string, unknown>;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ timing: { trainMs: 1, measureMs: 1 } }, /timing\.stepsPerSecond: is missing/],
      [{ timing: { ...run.timing, trainMs: -5 } }, /timing\.trainMs: must be a number ≥ 0/],
      [{ final: { ...run.final, step: -1 } }, /final\.step: must be a number ≥ 0/],
      [{ final: { ...run.final, totalSteps: 'x' } }, /final\.totalSteps: must be a number/],
      [
        { final: { ...run.final, metrics: { nc1_pinvv: 1 } } },
        /final\.metrics\.nc1_pinvv: not a metric any run reports/,
      ],
      [{ breakdown: 'x' }, /breakdown: must be an object/],
      [{ theory: 5 }, /theory: must be an object/],
    ];
    for (const [change, message] of cases) {
      const f = () => parseImport({ ...run, ...change }, 'f.json');
      expect(f).toThrow(RunImportError);
      expect(f).toThrow(new RegExp(`f\\.json: ${message.source}`));
    }
  });

  it('a run name with a line break and a 3-D value (md_corrupted_means) export to CSV and read back (were refused: "expected 5 fields")', () => {
    const history = [
      {
        step: 0,
        metrics: {
          loss: 1,
          md_corrupted_means: [
            [[1, 2], null],
            [
              [3, 4],
              [5, 6],
            ],
          ],
        },
      },
    ] as HistoryEntry[];
    const csv = toLongCsv([{ name: 'two\nlines, "quoted"', history }]);
    expect(csv).toContain('md_corrupted_means,1.1.2,2\n');
    expect(parseLongCsv(csv, 'x.csv').get('two\nlines, "quoted"')).toEqual(history);
  });

  it("a bundle carries each run's date and reads it back; a bundle without dates (written before) still imports, undated", () => {
    const dated = [{ name: 'old run', tags: [], result: a, createdAt: '2024-05-01T10:00:00.000Z' }];
    const back = parseImportText(JSON.stringify(toBundle(dated)), 'dated.json');
    expect(back[0].createdAt).toBe('2024-05-01T10:00:00.000Z');
    const before = {
      format: 'nc-lab-runs',
      version: 1,
      exportedAt: '2025-01-01T00:00:00.000Z',
      runs: [{ name: 'undated', tags: ['x'], result: JSON.parse(JSON.stringify(b)) }],
    };
    const old = parseImportText(JSON.stringify(before), 'old.json');
    expect(old.map((r) => [r.name, r.createdAt])).toEqual([['undated', undefined]]);
    const bad = { ...before, runs: [{ ...before.runs[0], createdAt: 'last Tuesday-ish' }] };
    expect(() => parseImportText(JSON.stringify(bad), 'bad.json')).toThrow(
      /bad\.json, run 1: createdAt "last Tuesday-ish" is not a date/,
    );
  });

  it('the CSV export dropped on the import is refused with a sentence saying to import the JSON export (was "not valid JSON: Unexpected token")', () => {
    const csv = toLongCsv([{ name: 'seed 5', history: b.history }]);
    for (const name of ['export.csv', 'renamed.txt']) {
      const f = () => parseImportText(csv, name);
      expect(f).toThrow(RunImportError);
      expect(f).toThrow(
        `${name}: the CSV export is for pandas and cannot be imported (it holds no config to run or resume); import the JSON export`,
      );
    }
    expect(() => parseImportText('{oops', 'x.json')).toThrow(/x\.json is not valid JSON/);
  });

  it('a run and its JSON round trip have the same identity; another config, status or metric does not', () => {
    const again = parseImportText(
      JSON.stringify(toBundle([{ name: 'n', tags: [], result: a }])),
      'r.json',
    );
    expect(runIdentity(again[0].result)).toBe(runIdentity(a));
    const renamed = { ...a, timing: { trainMs: 1, measureMs: 1, stepsPerSecond: 1 } };
    expect(runIdentity(renamed)).toBe(runIdentity(a)); // timing is not identity
    expect(runIdentity(b)).not.toBe(runIdentity(a));
    expect(runIdentity({ ...a, status: 'stopped' })).not.toBe(runIdentity(a));
    const last = a.history[a.history.length - 1];
    const changed = {
      ...a,
      history: [...a.history.slice(0, -1), { ...last, metrics: { ...last.metrics, loss: 7 } }],
    };
    expect(runIdentity(changed)).not.toBe(runIdentity(a));
  });
});
