import { describe, expect, it, vi } from 'vitest';
import type { NcLabApi } from './ncLabApi';
import { installEarlyNcLab, provideNcLab } from './ncLabEarly';

// The entry runs in a page; here `window` is the global object, as in a page.
(globalThis as { window?: unknown }).window = globalThis;

/** A stand-in for the app's API: only what these tests call is real. */
function fakeApi(): NcLabApi {
  const api = {
    ready: Promise.resolve(),
    run: vi.fn(() => Promise.resolve({ status: 'completed' })),
    grid: vi.fn(() => Promise.resolve({ status: 'completed', members: [] })),
    getState: vi.fn(() => ({ status: 'idle', step: 0 })),
    runs: { list: vi.fn(() => Promise.resolve([{ id: 'r1' }])), notes: () => ['a note'] },
  };
  return api as unknown as NcLabApi;
}

describe('window.ncLab before the app has loaded (the entry installs a stand-in)', () => {
  it('exists at once; its asynchronous calls wait for the app and then run with their arguments', async () => {
    installEarlyNcLab();
    const early = window.ncLab;
    let settled = false;
    const run = early.run({ preset: 'tiny-check' }).then((r) => ((settled = true), r));
    const kept = early.runs.list();
    await Promise.resolve();
    expect(settled).toBe(false);

    const api = fakeApi();
    provideNcLab(api);
    await expect(run).resolves.toEqual({ status: 'completed' });
    expect(api.run).toHaveBeenCalledWith({ preset: 'tiny-check' });
    await expect(kept).resolves.toEqual([{ id: 'r1' }]);
    await expect(early.ready).resolves.toBeUndefined();
    // Later calls go straight through to the app's API, synchronous reads included.
    await early.grid({ name: 'g' }, { fresh: true });
    expect(api.grid).toHaveBeenCalledWith({ name: 'g' }, { fresh: true });
    expect(early.getState()).toEqual({ status: 'idle', step: 0 });
    expect(early.runs.notes()).toEqual(['a note']);
  });

  it('a synchronous read before the app has loaded says to await ncLab.ready, naming the call', () => {
    installEarlyNcLab();
    expect(() => window.ncLab.getState()).toThrow(
      'window.ncLab.getState(): the lab is still loading; await window.ncLab.ready first',
    );
    expect(() => window.ncLab.runs.currentId()).toThrow('window.ncLab.runs.currentId()');
  });
});
