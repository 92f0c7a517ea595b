import { describe, expect, it } from 'vitest';
import { findPreset } from '../../engine/config/presets';
import type { ExperimentConfig } from '../../engine/config/schema';
import { toBundle } from '../../engine/runs/exchange';
import type { RunResult } from '../../engine/run/result';
import { useRuns } from './runsStore';
import { importRunFiles, importRunsText, skippedNote } from './transfer';

const file = (name: string, text: string) => ({ name, text: async () => text });

describe('importing dropped files', () => {
  it('imports the files after a damaged one and names each failure', async () => {
    const seen: string[] = [];
    const importOne = async (text: string, name: string) => {
      if (text !== 'ok') throw new Error(`${name}: not an NC Lab result`);
      seen.push(name);
    };
    const out = await importRunFiles(
      [file('a.json', 'ok'), file('bad.json', '{}'), file('b.json', 'ok'), file('worse.json', 'x')],
      importOne,
    );
    expect(seen).toEqual(['a.json', 'b.json']);
    expect(out).toEqual({
      imported: ['a.json', 'b.json'],
      failures: ['bad.json: not an NC Lab result', 'worse.json: not an NC Lab result'],
    });
  });
});

describe('importing an export twice', () => {
  it('the second import keeps nothing and a note in the Runs panel says the runs were already in the library', async () => {
    const config = findPreset('tiny-check')?.config as ExperimentConfig;
    const result: RunResult = {
      schemaVersion: 1,
      app: { name: 'nc-lab', version: '0.1.0' },
      config,
      backend: null,
      status: 'completed',
      message: null,
      history: [{ step: 0, metrics: { loss: 1 } }],
      final: null,
      theory: null,
      timing: { trainMs: 1, measureMs: 1, stepsPerSecond: 1 },
      breakdown: null,
    } as unknown as RunResult;
    const text = JSON.stringify(toBundle([{ name: 'r', tags: [], result }]));
    expect(await importRunsText(text, 'runs.json')).toHaveLength(1);
    expect(await importRunsText(text, 'runs.json')).toHaveLength(0);
    expect(useRuns.getState().notes).toContain(
      'runs.json: its run was skipped as already in the library.',
    );
    expect(useRuns.getState().runs).toHaveLength(1);
  });

  it('the note counts the runs skipped', () => {
    expect(skippedNote('a.json', 2, 3)).toBe(
      'a.json: 2 of 3 runs were skipped as already in the library.',
    );
    expect(skippedNote('a.json', 3, 3)).toBe(
      'a.json: all 3 runs were skipped as already in the library.',
    );
  });
});
