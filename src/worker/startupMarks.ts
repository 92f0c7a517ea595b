/**
 * Performance marks along the way to the first chart, in the page and in the training worker
 * (`performance.mark`, visible in the browser's performance panel). They cost a few µs each and
 * are set once per page load; `npm run bench` reads them to print where the first second goes
 * (scripts/benchFirstChart.ts).
 */
export const STARTUP_MARKS = {
  /** page: the entry module runs (its JS downloaded and parsed) */
  pageEntry: 'nc:page-entry',
  /** page: the training worker is created */
  workerSpawn: 'nc:worker-spawn',
  /** worker: its modules are loaded and it starts listening */
  workerReady: 'nc:worker-ready',
  /** worker: backend initialisation begins / ends */
  backendStart: 'nc:backend-start',
  backendReady: 'nc:backend-ready',
  /** worker: the run is built (data loaded, model initialised) */
  runBuilt: 'nc:run-built',
  /** worker: the step-0 report is measured and sent */
  firstReport: 'nc:first-report',
  /** page: the step-0 report reaches the store */
  reportInPage: 'nc:report-in-page',
  /** page: the basic Plotly bundle is loaded and evaluated */
  plotlyBasic: 'nc:plotly-basic',
} as const;

export type StartupMark = (typeof STARTUP_MARKS)[keyof typeof STARTUP_MARKS];

/** Marks `name` once per page (or worker) load; later calls (a second run) are ignored. */
export function markStartup(name: StartupMark): void {
  const perf = globalThis.performance as Performance | undefined;
  if (!perf?.mark || perf.getEntriesByName(name, 'mark').length > 0) return;
  perf.mark(name);
}
