/**
 * First chart after navigation: the time from navigation start until the loss chart holds a
 * curve with data (median of cold loads: a fresh browser context each, so nothing is cached),
 * and the JavaScript the page loads before that (index.html's scripts and module preloads,
 * gzip-compressed as a server would send them).
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/chromium';
import { PORT, ensureBuilt, startPreview } from './benchBrowser';

export interface FirstChartResult {
  /** ms from navigation start to the first drawn loss curve, per cold load */
  loadsMs: number[];
  medianMs: number;
  /** what the step-0 report took to reach the page (ms after navigation start), median */
  reportMs: number;
  /** when the basic plotly bundle had arrived (ms after navigation start), median */
  plotlyMs: number;
  /**
   * Median time (ms after navigation start) of each start-up mark (src/worker/startupMarks.ts),
   * the worker's converted to the page's clock, plus when the worker script and the wasm binary
   * had arrived: where the time to the first chart goes.
   */
  marks: Record<string, number>;
  /** gzip bytes of the JS index.html loads before anything else */
  initialJsGzip: number;
  initialJsFiles: string[];
}

/** The JS files dist/index.html loads up front (entry scripts and module preloads). */
export function initialScripts(html: string): string[] {
  const files = new Set<string>();
  for (const m of html.matchAll(/<script[^>]*\bsrc="([^"]+\.js)"/g)) files.add(m[1]);
  for (const m of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"/g))
    files.add(m[1]);
  return [...files];
}

interface Timeline {
  timeOrigin: number;
  marks: [string, number][];
  resources: [string, number][];
}

/** Marks and resource arrivals of one global (the page or a worker), on its own clock. */
function readTimeline(): Timeline {
  return {
    timeOrigin: performance.timeOrigin,
    marks: performance.getEntriesByType('mark').map((m) => [m.name, m.startTime]),
    resources: (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map(
      (r) => [r.name, r.responseEnd],
    ),
  };
}

/** Start-up marks of the page and its workers, and key downloads, in ms after navigation. */
async function startupTimes(page: Page): Promise<Record<string, number>> {
  const main = await page.evaluate(readTimeline);
  const all: Timeline[] = [main];
  for (const worker of page.workers()) all.push(await worker.evaluate(readTimeline));
  const times: Record<string, number> = {};
  for (const t of all) {
    const shift = t.timeOrigin - main.timeOrigin;
    for (const [name, at] of t.marks) if (/^(nc|bench):/.test(name)) times[name] ??= at + shift;
    for (const [url, at] of t.resources) {
      const what = /lab\.worker-[^/]*\.js$/.test(url)
        ? 'worker script loaded'
        : /tfjs-backend-wasm[^/]*\.wasm$/.test(url)
          ? 'wasm binary loaded'
          : null;
      if (what) times[what] = Math.max(times[what] ?? 0, at + shift);
    }
  }
  return times;
}

/** The middle value, or the mean of the middle two of an even count. */
export function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export interface ColdLoad {
  /** ms after navigation start: the loss chart holds a curve */
  chartMs: number;
  /** the step-0 report is in the page's store */
  reportMs: number;
  /** the basic plotly bundle has downloaded */
  plotlyMs: number;
  /** start-up marks and downloads (startupTimes) */
  marks: Record<string, number>;
}

/**
 * One load of `url` in a fresh browser context (nothing cached, a first-time visitor: the
 * introduction dialog opens, and the charts draw behind its backdrop), timed until the loss
 * chart holds a curve.
 */
/** How long a new window gets to start Chromium's own UI before the lab is opened in it. */
const WINDOW_SETTLE_MS = 3000;

export async function coldLoad(browser: Browser, url: string): Promise<ColdLoad> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const page = await context.newPage();
    // A new window of headless Chromium 156 starts its own UI (the omnibox popup's WebUI renderer):
    // ~2 s of CPU on a 2-core machine, which took 0.8 s off the page's load here. A user's browser
    // has its window already: let it settle on a blank page first (the cache stays cold).
    await page.goto('about:blank');
    await page.waitForTimeout(WINDOW_SETTLE_MS);
    await page.goto(url, { waitUntil: 'commit' });
    // polled every animation frame in the page; performance.now() counts from navigation start
    const handle = await page.waitForFunction(
      () => {
        const w = window as unknown as {
          ncLab?: { getState(): { lastReport: unknown } };
          __firstReport?: number;
        };
        // getState() throws while the lab is still loading (await ncLab.ready): not yet. (No
        // named function in here: tsx would wrap it in a helper the page does not have.)
        let hasReport: boolean;
        try {
          hasReport = Boolean(w.ncLab?.getState().lastReport);
        } catch {
          hasReport = false;
        }
        if (w.__firstReport === undefined && hasReport) w.__firstReport = performance.now();
        // any figure drawn (the panel beside the loss chart may come first)
        if (!performance.getEntriesByName('bench:first-figure').length) {
          const any = document.querySelector('.js-plotly-plot') as
            (Element & { data?: unknown[] }) | null;
          if (any?.data?.length) performance.mark('bench:first-figure');
        }
        const gd = document.querySelector('[data-testid="panel-loss"] .js-plotly-plot') as
          (Element & { data?: { x?: unknown[] }[] }) | null;
        const n = gd?.data?.[0]?.x?.length ?? 0;
        const plotly = performance
          .getEntriesByType('resource')
          .find((e) => /plotly-basic/.test(e.name)) as PerformanceResourceTiming | undefined;
        return n > 0
          ? [performance.now(), w.__firstReport ?? performance.now(), plotly?.responseEnd ?? NaN]
          : false;
      },
      undefined,
      { polling: 'raf', timeout: 120_000 },
    );
    const [chartMs, reportMs, plotlyMs] = (await handle.jsonValue()) as [number, number, number];
    return { chartMs, reportMs, plotlyMs, marks: await startupTimes(page) };
  } finally {
    await context.close();
  }
}

export async function benchFirstChart(loads = 5): Promise<FirstChartResult> {
  await ensureBuilt();
  const html = readFileSync('dist/index.html', 'utf8');
  const initialJsFiles = initialScripts(html);
  const initialJsGzip = initialJsFiles
    .map((f) => gzipSync(readFileSync(`dist${f.startsWith('/') ? f : `/${f}`}`)).length)
    .reduce((a, b) => a + b, 0);
  const server = await startPreview();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const loadsMs: number[] = [];
  const reports: number[] = [];
  const plotlyAt: number[] = [];
  const marks: Record<string, number>[] = [];
  try {
    for (let i = 0; i < loads; i++) {
      const load = await coldLoad(browser, `http://localhost:${PORT}/?backend=wasm`);
      loadsMs.push(load.chartMs);
      reports.push(load.reportMs);
      plotlyAt.push(load.plotlyMs);
      marks.push(load.marks);
    }
  } finally {
    await browser.close();
    server.stop();
  }
  return {
    loadsMs,
    medianMs: median(loadsMs),
    reportMs: median(reports),
    plotlyMs: median(plotlyAt),
    marks: medianMarks(marks),
    initialJsGzip,
    initialJsFiles,
  };
}

/** Each mark's median over the loads that set it, in time order. */
export function medianMarks(loads: Record<string, number>[]): Record<string, number> {
  const names = new Set(loads.flatMap((l) => Object.keys(l)));
  const medians = [...names].map((n): [string, number] => [
    n,
    median(loads.flatMap((l) => (n in l ? [l[n]] : []))),
  ]);
  return Object.fromEntries(medians.sort((a, b) => a[1] - b[1]));
}

export function printFirstChart(r: FirstChartResult): void {
  console.log(
    `first loss curve after navigation: median ${r.medianMs.toFixed(0)} ms over ${r.loadsMs.length} cold loads (${r.loadsMs.map((x) => x.toFixed(0)).join(', ')}); step-0 report in the page at ${r.reportMs.toFixed(0)} ms, plotly (basic) loaded at ${r.plotlyMs.toFixed(0)} ms; initial JS ${(r.initialJsGzip / 1024).toFixed(0)} kB gzip in ${r.initialJsFiles.length} files`,
  );
  const steps = Object.entries(r.marks).map(
    ([n, t]) => `${n.replace(/^(nc|bench):/, '')} ${t.toFixed(0)}`,
  );
  console.log(`  start-up, median ms after navigation: ${steps.join(' · ')}`);
}
