import type { NcLabApi } from './ncLabApi';
import type { NcLabRunsApi } from './runs/ncLabRuns';

/**
 * `window.ncLab` from the page's first script on. The app's code (and so the real API) loads
 * after the page's `load` event, so a driver that calls `page.goto()` and then `ncLab.grid(…)`
 * would find nothing there. The entry installs this stand-in at once: its asynchronous calls wait
 * for the app and then run; its synchronous reads (`getState()` …) say the lab is still loading
 * until `await window.ncLab.ready` has resolved. Only types are imported: the entry stays small.
 */
let provide: ((api: NcLabApi) => void) | null = null;

function notYet(name: string): never {
  throw new Error(
    `window.ncLab.${name}(): the lab is still loading; await window.ncLab.ready first`,
  );
}

export function installEarlyNcLab(): void {
  let real: NcLabApi | null = null;
  const loaded = new Promise<NcLabApi>((resolve) => {
    provide = (api) => {
      real = api;
      resolve(api);
    };
  });
  const later =
    <A extends unknown[], R>(call: (api: NcLabApi, ...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      loaded.then((api) => call(api, ...args));
  const now =
    <R>(name: string, read: (api: NcLabApi) => R) =>
    (): R =>
      real ? read(real) : notYet(name);

  const runs: NcLabRunsApi = {
    list: later((api) => api.runs.list()),
    notes: now('runs.notes', (api) => api.runs.notes()),
    get: later((api, id: string) => api.runs.get(id)),
    currentId: now('runs.currentId', (api) => api.runs.currentId()),
    delete: later((api, id: string) => api.runs.delete(id)),
    clear: later((api) => api.runs.clear()),
    export: later((api, ...a: Parameters<NcLabRunsApi['export']>) => api.runs.export(...a)),
    import: later((api, ...a: Parameters<NcLabRunsApi['import']>) => api.runs.import(...a)),
    checkpoint: later((api, id: string) => api.runs.checkpoint(id)),
    resume: later((api, ...a: Parameters<NcLabRunsApi['resume']>) => api.runs.resume(...a)),
    pin: later((api, id: string) => api.runs.pin(id)),
    pinned: later((api, ...a: Parameters<NcLabRunsApi['pinned']>) => api.runs.pinned(...a)),
    unpin: later((api, ...a: Parameters<NcLabRunsApi['unpin']>) => api.runs.unpin(...a)),
  };
  const early: NcLabApi = {
    ready: loaded.then(() => undefined),
    run: later((api, ...a: Parameters<NcLabApi['run']>) => api.run(...a)),
    backendInfo: later((api, ...a: Parameters<NcLabApi['backendInfo']>) => api.backendInfo(...a)),
    tunedShapes: later((api) => api.tunedShapes()),
    benchmark: later((api, ...a: Parameters<NcLabApi['benchmark']>) => api.benchmark(...a)),
    sweep: later((api, ...a: Parameters<NcLabApi['sweep']>) => api.sweep(...a)),
    grid: later((api, ...a: Parameters<NcLabApi['grid']>) => api.grid(...a)),
    gridEstimate: later((api, spec: unknown) => api.gridEstimate(spec)),
    gridState: now('gridState', (api) => api.gridState()),
    gridControl: later((api, ...a: Parameters<NcLabApi['gridControl']>) => api.gridControl(...a)),
    search: later((api, ...a: Parameters<NcLabApi['search']>) => api.search(...a)),
    benchmarkNets: later((api, ...a: Parameters<NcLabApi['benchmarkNets']>) =>
      api.benchmarkNets(...a),
    ),
    getState: now('getState', (api) => api.getState()),
    drawStats: now('drawStats', (api) => api.drawStats()),
    config: now('config', (api) => api.config()),
    runs,
  };
  window.ncLab = early;
}

/** The app hands over the real API: the stand-in's waiting calls run, and later ones go straight through. */
export function provideNcLab(api: NcLabApi): void {
  if (provide) provide(api);
  else window.ncLab = api;
}
