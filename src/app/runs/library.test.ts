import { describe, expect, it } from 'vitest';
import { findPreset } from '../../engine/config/presets';
import type { ExperimentConfig } from '../../engine/config/schema';
import { makeCheckpoint } from '../../engine/session/checkpoint';
import type { HistoryEntry } from '../../engine/session/types';
import type { RunResult } from '../../engine/run/result';
import { MemoryStore } from './keyValueStore';
import { RunLibrary } from './library';

const config = findPreset('tiny-check')?.config as ExperimentConfig;
const entry = (step: number, nc1: number): HistoryEntry => ({
  step,
  metrics: { loss: 1 / (step + 1), nc1_pinv: nc1, deep_nc1_pinv: [nc1, nc1 / 2] },
});

function result(history: HistoryEntry[]): RunResult {
  return {
    schemaVersion: 1,
    app: { name: 'nc-lab', version: '0.1.0' },
    config,
    backend: null as unknown as RunResult['backend'],
    status: 'completed',
    message: null,
    history,
    final: null,
    theory: null,
    timing: { trainMs: 10, measureMs: 2, stepsPerSecond: 100 },
    breakdown: null,
  };
}

describe('run library', () => {
  it('appends each report as a new chunk and reads the whole history back, a re-measured step replacing the old', async () => {
    const store = new MemoryStore();
    const lib = new RunLibrary(store);
    const run = await lib.begin(config, null, 'page', 60);
    await lib.appendHistory(run.id, [entry(0, 1)]);
    await lib.appendHistory(run.id, [entry(20, 0.5), entry(40, 0.1)]);
    await lib.appendHistory(run.id, [entry(40, 0.09), entry(60, 0.01)]);
    const keys = [...store.data.keys()].filter((k) => k.startsWith('h:')).sort();
    expect(keys).toEqual([`h:${run.id}:0`, `h:${run.id}:1`, `h:${run.id}:2`]);
    expect(store.data.get(`h:${run.id}:0`)).toEqual([entry(0, 1)]); // never rewritten
    const kept = await lib.get(run.id);
    expect(kept?.history.map((h) => [h.step, h.metrics.nc1_pinv])).toEqual([
      [0, 1],
      [20, 0.5],
      [40, 0.09],
      [60, 0.01],
    ]);
    expect(kept?.record.step).toBe(60);
    expect(kept?.record.summary).toEqual({ loss: 1 / 61, nc1: 0.01, accuracy: null });
    expect(kept?.record.name).toBe('tiny-check');
  });

  it('a run begun before its total was known takes it from its final result', async () => {
    const lib = new RunLibrary(new MemoryStore());
    const run = await lib.begin(config, null, 'page', 0);
    const done = result([entry(0, 1), entry(60, 0.01)]);
    done.final = { ...entry(60, 0.01), totalSteps: 60 } as unknown as RunResult['final'];
    await lib.finish(run.id, done);
    expect((await lib.get(run.id))?.record).toMatchObject({ step: 60, totalSteps: 60 });
  });

  it('a quota error is reported, leaves earlier runs readable and the refused run as far as it got', async () => {
    const store = new MemoryStore();
    const errors: string[] = [];
    const lib = new RunLibrary(store, (m) => errors.push(m));
    const first = await lib.begin(config, null, 'page', 60);
    await lib.appendHistory(first.id, [entry(0, 1), entry(20, 0.5)]);
    await lib.finish(first.id, result([entry(0, 1), entry(20, 0.5)]));
    const second = await lib.begin({ ...config, seed: 7 }, null, 'page', 60);
    await lib.appendHistory(second.id, [entry(0, 2)]);
    store.quotaBytes = store.bytes() + 50; // room for nothing more than a small record
    await lib.appendHistory(second.id, [entry(20, 1), entry(40, 0.5), entry(60, 0.1)]);
    await lib.appendHistory(second.id, [entry(80, 0.05)]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /refused to store more \(storage quota reached\): run "tiny-check · seed=7"/,
    );
    const a = await lib.get(first.id);
    expect(a?.history.map((h) => h.step)).toEqual([0, 20]);
    expect(a?.record.status).toBe('completed');
    const b = await lib.get(second.id);
    expect(b?.history.map((h) => h.step)).toEqual([0]);
    expect(b?.record.chunks).toBe(1);
  });

  it('damaged records and records of another version are dropped with a note, never a crash', async () => {
    const store = new MemoryStore();
    const lib = new RunLibrary(store);
    const good = await lib.begin(config, null, 'page', 60);
    await store.setMany([
      ['r:old', { v: 0, id: 'old', name: 'from last year' }],
      ['h:old:0', [entry(0, 1)]],
      [
        'r:bad',
        { ...(store.data.get(`r:${good.id}`) as object), id: 'bad', name: 'bad', step: -3 },
      ],
      ['r:junk', 'not an object'],
    ]);
    const { runs, notes } = await lib.list();
    expect(runs.map((r) => r.id)).toEqual([good.id]);
    expect(notes).toHaveLength(3);
    expect(notes.join('\n')).toMatch(
      /"from last year"\) could not be read and was removed: record version 0/,
    );
    expect(notes.join('\n')).toMatch(/"bad"\) could not be read and was removed: step:/);
    expect([...store.data.keys()].some((k) => k.includes('old') || k.includes('bad'))).toBe(false);
  });

  it('a run left running by a page that went away is marked interrupted, keeping its history and checkpoint', async () => {
    const store = new MemoryStore();
    const before = new RunLibrary(store);
    const run = await before.begin(config, null, 'page', 60);
    await before.setStatus(run.id, 'running', null, 0);
    await before.appendHistory(run.id, [entry(0, 1), entry(20, 0.5)]);
    const checkpoint = makeCheckpoint({
      runId: null,
      createdAt: 'now',
      config,
      step: 20,
      timing: { trainMs: 1, measureMs: 1 },
      state: {
        kind: 'ufm',
        H: { shape: [1], data: 'AACAPw==' },
        layers: [],
        bias: null,
        optimizer: { iterations: 20, slots: [], accBeta: null },
      },
    });
    await before.saveCheckpoint(run.id, checkpoint);
    const after = new RunLibrary(store); // the reloaded page
    const interrupted = await after.markInterrupted();
    expect(interrupted.map((r) => r.id)).toEqual([run.id]);
    const kept = await after.get(run.id);
    expect(kept?.record.status).toBe('interrupted');
    expect(kept?.record.checkpointStep).toBe(20);
    expect(kept?.history.map((h) => h.step)).toEqual([0, 20]);
    expect((await after.checkpoint(run.id))?.step).toBe(20);
  });

  it('imported results come back as the same RunResult; delete and clear remove every key', async () => {
    const store = new MemoryStore();
    const lib = new RunLibrary(store);
    const original = result([entry(0, 1), entry(20, 0.5)]);
    const [rec] = await lib.importResults([
      { name: 'from the lab PC', tags: ['m1'], result: original },
    ]);
    expect(rec.tags).toEqual(['imported', 'm1']);
    const back = await lib.result(rec.id);
    expect(back?.history).toEqual(original.history);
    expect(back?.config).toEqual(original.config);
    await lib.rename(rec.id, '  ');
    expect((await lib.get(rec.id))?.record.name).toBe('tiny-check'); // blank → automatic name
    const other = await lib.begin(config, null, 'ncLab', 60);
    await lib.delete(rec.id);
    expect([...store.data.keys()].every((k) => k.includes(other.id))).toBe(true);
    await lib.clear();
    expect(store.data.size).toBe(0);
  });
});

describe('run library, concurrent use', () => {
  it('listing while reports are appended never makes a chunk overwrite another', async () => {
    // IndexedDB takes a while to commit a write; a read begun meanwhile sees the data before it.
    class SlowWrites extends MemoryStore {
      override async setMany(entries: [string, unknown][]): Promise<void> {
        await new Promise((resolve) => setTimeout(resolve, 2));
        return super.setMany(entries);
      }
    }
    const store = new SlowWrites();
    const lib = new RunLibrary(store);
    const run = await lib.begin(config, null, 'page', 200);
    for (let step = 0; step <= 200; step += 20) {
      const listing = lib.list(); // the panel refreshing while a report arrives
      await lib.appendHistory(run.id, [entry(step, 1 / (step + 1))]);
      await listing;
    }
    const kept = await lib.get(run.id);
    expect(kept?.history.map((h) => h.step)).toEqual(Array.from({ length: 11 }, (_, i) => i * 20));
  });
});
