/**
 * First chart after navigation: the time from navigation start until the loss chart holds a
 * curve with data (median of cold loads: a fresh browser context each, so nothing is cached),
 * and the JavaScript the page loads before that (index.html's scripts and module preloads,
 * gzip-compressed as a server would send them).
 */
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/chromium';
import { PORT, run, startPreview } from './benchBrowser';

export interface FirstChartResult {
  /** ms from navigation start to the first drawn loss curve, per cold load */
  loadsMs: number[];
  medianMs: number;
  /** what the step-0 report took to reach the page (ms after navigation start), median */
  reportMs: number;
  /** when the basic plotly bundle had arrived (ms after navigation start), median */
  plotlyMs: number;
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

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function benchFirstChart(loads = 5): Promise<FirstChartResult> {
  if (!existsSync('dist/index.html')) await run('npx', ['vite', 'build']);
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
  try {
    for (let i = 0; i < loads; i++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      await page.goto(`http://localhost:${PORT}/?backend=wasm`, { waitUntil: 'commit' });
      // polled every animation frame in the page; performance.now() counts from navigation start
      const handle = await page.waitForFunction(
        () => {
          const w = window as unknown as {
            ncLab?: { getState(): { lastReport: unknown } };
            __firstReport?: number;
          };
          if (w.__firstReport === undefined && w.ncLab?.getState().lastReport)
            w.__firstReport = performance.now();
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
      const [chart, report, plotly] = (await handle.jsonValue()) as [number, number, number];
      loadsMs.push(chart);
      reports.push(report);
      plotlyAt.push(plotly);
      await context.close();
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
    initialJsGzip,
    initialJsFiles,
  };
}

export function printFirstChart(r: FirstChartResult): void {
  console.log(
    `first loss curve after navigation: median ${r.medianMs.toFixed(0)} ms over ${r.loadsMs.length} cold loads (${r.loadsMs.map((x) => x.toFixed(0)).join(', ')}); step-0 report in the page at ${r.reportMs.toFixed(0)} ms, plotly (basic) loaded at ${r.plotlyMs.toFixed(0)} ms; initial JS ${(r.initialJsGzip / 1024).toFixed(0)} kB gzip in ${r.initialJsFiles.length} files`,
  );
}
