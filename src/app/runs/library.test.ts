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

describe('run library, imports', () => {
  it('importing the same export twice keeps its runs once and says how many it skipped; a run already kept from the page is skipped too', async () => {
    const lib = new RunLibrary(new MemoryStore());
    const page = await lib.begin(config, null, 'page', 20);
    const mine = result([entry(0, 1), entry(20, 0.5)]);
    await lib.appendHistory(page.id, mine.history);
    await lib.finish(page.id, mine);
    const other = result([entry(0, 1), entry(20, 0.25)]);
    const exported = [
      { name: 'a', tags: [], result: (await lib.result(page.id)) as RunResult },
      { name: 'b', tags: [], result: other },
    ];
    const first = await lib.importNew(JSON.parse(JSON.stringify(exported)));
    expect(first.kept.map((r) => r.name)).toEqual(['b']);
    expect(first.skipped).toBe(1);
    const second = await lib.importNew(JSON.parse(JSON.stringify(exported)));
    expect(second).toEqual({ kept: [], skipped: 2, notes: [] });
    expect((await lib.list()).runs).toHaveLength(2);
    // the same config with another status is another run
    const stopped = await lib.importNew([
      { name: 'c', tags: [], result: { ...other, status: 'stopped' } },
    ]);
    expect(stopped.kept).toHaveLength(1);
  });

  it('two identical runs in one import are kept once', async () => {
    const lib = new RunLibrary(new MemoryStore());
    const run = { name: 'x', tags: [], result: result([entry(0, 1)]) };
    const out = await lib.importNew([run, { ...run, name: 'x again' }]);
    expect([out.kept.length, out.skipped]).toEqual([1, 1]);
  });

  it('an imported run keeps the date its export gives, and one without (an older bundle) is dated at its import', async () => {
    const NOW = Date.parse('2025-01-01T00:00:00.000Z');
    const lib = new RunLibrary(new MemoryStore(), undefined, () => NOW);
    const { kept } = await lib.importNew([
      {
        name: 'dated',
        tags: [],
        result: result([entry(0, 1)]),
        createdAt: '2024-05-01T10:00:00.000Z',
      },
      { name: 'undated', tags: [], result: result([entry(0, 2)]) },
    ]);
    expect(kept.map((r) => [r.name, r.createdAt])).toEqual([
      ['dated', Date.parse('2024-05-01T10:00:00.000Z')],
      ['undated', NOW],
    ]);
    const listed = (await lib.list()).runs.map((r) => r.name);
    expect(listed).toEqual(['undated', 'dated']); // newest first, by the runs' own dates
  });
});

/** A tiny UFM checkpoint at `step` whose H holds `h` (so checkpoints of two steps differ). */
function ufmCheckpoint(step: number, h = 1) {
  const bytes = new Uint8Array(new Float32Array([h]).buffer);
  return makeCheckpoint({
    runId: null,
    createdAt: 'now',
    config,
    step,
    timing: { trainMs: step, measureMs: 1 },
    state: {
      kind: 'ufm',
      H: { shape: [1], data: btoa(String.fromCharCode(...bytes)) },
      layers: [],
      bias: null,
      optimizer: { iterations: step, slots: [], accBeta: null },
    },
  });
}

describe('pinned checkpoints', () => {
  it('a pinned checkpoint stays while the rolling latest is replaced, is listed with its size, and a reloaded page reads it back', async () => {
    const store = new MemoryStore();
    const lib = new RunLibrary(
      store,
      () => undefined,
      () => 1000,
    );
    const run = await lib.begin(config, null, 'page', 60);
    await lib.saveCheckpoint(run.id, ufmCheckpoint(20, 2));
    const pin = await lib.pinLatest(run.id);
    expect(pin).toEqual({
      step: 20,
      createdAt: 1000,
      bytes: JSON.stringify({ ...ufmCheckpoint(20, 2), runId: run.id }).length,
    });
    await lib.saveCheckpoint(run.id, ufmCheckpoint(40, 4));
    await lib.pinCheckpoint(run.id, ufmCheckpoint(60, 6));
    await lib.saveCheckpoint(run.id, ufmCheckpoint(80, 8));
    const reloaded = new RunLibrary(store);
    const [record] = (await reloaded.list()).runs;
    expect(record.checkpointStep).toBe(80);
    expect(record.pinned.map((p) => p.step)).toEqual([20, 60]);
    expect((await reloaded.checkpoint(run.id))?.step).toBe(80);
    const pinned = await reloaded.pinnedCheckpoint(run.id, 20);
    expect(pinned?.state).toEqual(ufmCheckpoint(20, 2).state);
    expect(await reloaded.pinnedCheckpoint(run.id, 40)).toBeNull();
  });

  it('resuming from a pin makes it the latest checkpoint and rewinds the run to its step', async () => {
    const store = new MemoryStore();
    const lib = new RunLibrary(store);
    const run = await lib.begin(config, null, 'page', 60);
    await lib.appendHistory(run.id, [entry(0, 1), entry(20, 0.5), entry(40, 0.1), entry(60, 0.05)]);
    await lib.pinCheckpoint(run.id, ufmCheckpoint(20, 2));
    await lib.saveCheckpoint(run.id, ufmCheckpoint(60, 6));
    const rewound = await new RunLibrary(store).rewindTo(run.id, 20);
    expect(rewound.step).toBe(20);
    const again = new RunLibrary(store);
    expect((await again.checkpoint(run.id))?.state).toEqual(ufmCheckpoint(20, 2).state);
    const kept = await again.get(run.id);
    expect(kept?.record).toMatchObject({ checkpointStep: 20, step: 20 });
    expect(kept?.record.pinned.map((p) => p.step)).toEqual([20]);
    await expect(again.rewindTo(run.id, 40)).rejects.toThrow(/no checkpoint pinned at step 40/);
  });

  it('unpinning and deleting the run remove the pinned checkpoints from the store', async () => {
    const store = new MemoryStore();
    const lib = new RunLibrary(store);
    const run = await lib.begin(config, null, 'page', 60);
    await lib.pinCheckpoint(run.id, ufmCheckpoint(20));
    await lib.pinCheckpoint(run.id, ufmCheckpoint(40));
    const pinKeys = () => [...store.data.keys()].filter((k) => k.startsWith('p:')).sort();
    expect(pinKeys()).toEqual([`p:${run.id}:20`, `p:${run.id}:40`]);
    const before = store.bytes();
    await lib.unpin(run.id, 20);
    expect(pinKeys()).toEqual([`p:${run.id}:40`]);
    expect(store.bytes()).toBeLessThan(before);
    expect((await lib.get(run.id))?.record.pinned.map((p) => p.step)).toEqual([40]);
    await lib.delete(run.id);
    expect(store.data.size).toBe(0);
  });

  it('a record kept before pins existed reads back with none; pinning a run no longer kept is refused', async () => {
    const store = new MemoryStore();
    const lib = new RunLibrary(store);
    const run = await lib.begin(config, null, 'page', 60);
    const { pinned: _, ...older } = store.data.get(`r:${run.id}`) as { pinned: unknown };
    await store.setMany([[`r:${run.id}`, older]]);
    const { runs, notes } = await new RunLibrary(store).list();
    expect(notes).toEqual([]);
    expect(runs[0].pinned).toEqual([]);
    await expect(lib.pinCheckpoint('gone', ufmCheckpoint(20))).rejects.toThrow(/no longer kept/);
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

describe('run library, several tabs (each its own RunLibrary on one store)', () => {
  /** Two pages' libraries; `trainer` holds `held` runs (as its Web Locks would say). */
  function twoTabs(held: Set<string>) {
    const store = new MemoryStore();
    const hooks = (mine: boolean) => ({
      held: () => Promise.resolve({ all: held, elsewhere: mine ? new Set<string>() : held }),
      isMine: (id: string) => mine && held.has(id),
    });
    const trainer = new RunLibrary(store, undefined, undefined, hooks(true));
    const other = new RunLibrary(store, undefined, undefined, hooks(false));
    return { store, trainer, other };
  }

  it('a run another tab trains is not marked interrupted, and cannot be resumed, renamed, tagged, pinned or deleted here', async () => {
    const held = new Set<string>();
    const { trainer, other } = twoTabs(held);
    const live = await trainer.begin(config, null, 'page', 60);
    held.add(live.id);
    const orphan = await trainer.begin(config, null, 'page', 60);
    for (const r of [live, orphan]) {
      await trainer.setStatus(r.id, 'paused', null, 20);
      await trainer.saveCheckpoint(r.id, ufmCheckpoint(20));
    }
    const marked = await other.markInterrupted();
    expect(marked.map((r) => r.id)).toEqual([orphan.id]);
    expect((await other.get(live.id))?.record.status).toBe('paused');
    const message = `"${live.name}" is training in another tab of the lab: stop it there (or close that tab) first`;
    await expect(other.delete(live.id)).rejects.toThrow(message);
    await expect(other.rename(live.id, 'mine now')).rejects.toThrow(message);
    await expect(other.setTags(live.id, ['x'])).rejects.toThrow(message);
    await expect(other.pinLatest(live.id)).rejects.toThrow(message);
    // the tab that trains it changes it as before
    await trainer.rename(live.id, 'renamed by its tab');
    expect((await other.get(live.id))?.record.name).toBe('renamed by its tab');
    // "Clear all" here spares it, history and checkpoint included
    expect(await other.clear()).toBe(1);
    expect((await other.list()).runs.map((r) => r.id)).toEqual([live.id]);
    expect((await other.checkpoint(live.id))?.step).toBe(20);
  });

  it('marks by the look at the locks it is given, not a later one: a run seen held is left for the next look', async () => {
    const held = new Set<string>();
    const { trainer, other } = twoTabs(held);
    const run = await trainer.begin(config, null, 'page', 60);
    await trainer.setStatus(run.id, 'running', null, 0);
    // The caller saw the run held; its tab closes before the marking looks again.
    const seen = { all: new Set([run.id]), elsewhere: new Set([run.id]) };
    expect(await other.markInterrupted(undefined, seen)).toEqual([]);
    expect((await other.get(run.id))?.record.status).toBe('running');
    // The next look (the caller's watch on other tabs) finds it gone and marks it.
    const marked = await other.markInterrupted(undefined, { all: held, elsewhere: held });
    expect(marked.map((r) => r.id)).toEqual([run.id]);
  });

  it('a change made here to a run another tab wrote since this tab listed it keeps that tab’s step, history and status', async () => {
    const held = new Set<string>();
    const { trainer, other } = twoTabs(held);
    const run = await trainer.begin(config, null, 'page', 60);
    held.add(run.id);
    await trainer.setStatus(run.id, 'running', null, 0);
    await trainer.appendHistory(run.id, [entry(0, 1)]);
    await other.list(); // the other tab's copy: step 0, one chunk
    await trainer.appendHistory(run.id, [entry(20, 0.5), entry(40, 0.25)]);
    await trainer.finish(run.id, {
      ...result([]),
      final: { ...entry(40, 0.25), totalSteps: 60 },
    } as RunResult);
    held.delete(run.id); // its tab let it go
    await other.rename(run.id, 'after the end');
    await other.setTags(run.id, ['done']);
    const kept = await other.get(run.id);
    expect(kept?.record).toMatchObject({
      name: 'after the end',
      tags: ['done'],
      status: 'completed',
      step: 40,
      chunks: 2,
    });
    expect(kept?.history.map((h) => h.step)).toEqual([0, 20, 40]);
    // a run nobody holds any more was not marked interrupted: it had ended
    expect(await other.markInterrupted()).toEqual([]);
  });
});

describe('run library: a run’s end survives a page that goes away', () => {
  it('writes a status with the reports before it in one transaction', async () => {
    const store = new MemoryStore();
    const calls: string[][] = [];
    const setMany = store.setMany.bind(store);
    store.setMany = (entries) => (calls.push(entries.map(([k]) => k[0])), setMany(entries));
    const lib = new RunLibrary(store);
    const run = await lib.begin(config, null, 'page', 60);
    calls.length = 0;
    await lib.setStatus(run.id, 'completed', null, 60, [entry(40, 0.1), entry(60, 0.01)]);
    expect(calls).toEqual([['h', 'r']]);
    const kept = await lib.get(run.id);
    expect([kept?.record.status, kept?.record.step, kept?.history.length]).toEqual([
      'completed',
      60,
      2,
    ]);
  });

  it('writeNow starts every write not yet landed at once, in one transaction, newest value of each key', async () => {
    const store = new MemoryStore();
    const lib = new RunLibrary(store);
    const run = await lib.begin(config, null, 'page', 60);
    // writes that never land (a page busy until it goes away)
    const stuck = store.setMany.bind(store);
    store.setMany = () => new Promise<void>(() => undefined);
    void lib.appendHistory(run.id, [entry(20, 0.5)]);
    void lib.setStatus(run.id, 'completed', null, 60, [entry(40, 0.1), entry(60, 0.01)]);
    const now: [string, unknown][][] = [];
    store.setManyNow = (entries) => {
      now.push(entries);
      void stuck(entries);
    };
    lib.writeNow();
    expect(now.map((e) => e.map(([k]) => k))).toEqual([
      [`h:${run.id}:0`, `r:${run.id}`, `h:${run.id}:1`],
    ]);
    expect(store.data.get(`r:${run.id}`)).toMatchObject({
      status: 'completed',
      step: 60,
      chunks: 2,
    });
  });

  it('markInterrupted leaves a run whose end was written after the listing', async () => {
    const store = new MemoryStore();
    const mine = new RunLibrary(store);
    const run = await mine.begin(config, null, 'page', 60);
    await mine.setStatus(run.id, 'running', null, 0);
    const other = new RunLibrary(store, undefined, Date.now, { isMine: () => false });
    const { runs } = await other.list();
    await mine.setStatus(run.id, 'completed', null, 60, [entry(60, 0.01)]);
    expect(await other.markInterrupted(runs, null)).toHaveLength(1);
    expect((await other.get(run.id))?.record.status).toBe('completed');
  });
});
