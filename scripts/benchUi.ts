/**
 * The page's main thread while a run trains (issue 10): busy time (Chrome's TaskDuration, every
 * task of the renderer's main thread), long tasks (PerformanceObserver 'longtask', > 50 ms) and
 * how many reports the charts lag behind the worker, for a few presets on the wasm backend.
 */
import { chromium, type CDPSession, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/chromium';
import { PORT, ensureBuilt, startPreview } from './benchBrowser';
import { median } from './benchFirstChart';

export interface UiBenchRow {
  preset: string;
  seconds: number;
  /** Main-thread busy time over the window, and as a fraction of it. */
  busyMs: number;
  busyFraction: number;
  /**
   * The main thread's CPU time over the window (Chrome's ThreadTime), as a fraction of it: unlike
   * busy time it does not grow when other processes take the CPU, so it compares across loads.
   */
  cpuMs: number;
  cpuFraction: number;
  longTasks: number;
  longestTaskMs: number;
  /** Reports the worker sent in the window, and steps trained. */
  reports: number;
  steps: number;
  /** Largest and mean number of reports the time-series charts were behind while training (every 100 ms). */
  maxReportsBehind: number;
  meanReportsBehind: number;
  /** Plotly redraws in the window: how many, their mean and longest time. */
  draws: number;
  meanDrawMs: number;
  maxDrawMs: number;
  /** The rendering after each redraw's script that the draw queue charged it (mean, ms). */
  meanRenderMs: number;
}

export const UI_BENCH_PRESETS = [
  'teach-deep-m3',
  'teach-etf-3d',
  'net-gauss-tiny',
  'md-mnist-quick',
  // A small UFM trains its 3 000 steps in about a second here: the same preset ten times longer
  // shows the page at its steady state (100+ reports a second).
  'teach-deep-m3&steps=30000',
];

interface PageProbe {
  longTasks: number[];
  behind: number[];
}

declare global {
  interface Window {
    __uiBench?: PageProbe;
  }
}

/** Installed in the page: long tasks, and every 100 ms the lag of the first visible time-series chart. */
function installProbe(): void {
  const probe: PageProbe = { longTasks: [], behind: [] };
  window.__uiBench = probe;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) probe.longTasks.push(e.duration);
  }).observe({ type: 'longtask' });
  const series = ['panel-loss', 'panel-nc', 'panel-md'];
  setInterval(() => {
    const s = window.ncLab.getState();
    // While training: a finished run's charts are all drawn, and would dilute the figure.
    if (s.status !== 'running') return;
    const per = s.lastReport?.shape.stepsPerUnit ?? 1;
    for (const id of series) {
      // The time-series figure of the panel (the MD panel's curves are its last figure).
      const plots = document.querySelectorAll(`[data-testid="${id}"] .js-plotly-plot`);
      const gd = plots[plots.length - 1] as (Element & { data?: { x?: unknown }[] }) | undefined;
      const x = gd?.data?.[0]?.x;
      if (!Array.isArray(x) || x.length === 0) continue;
      const drawn = Number(x[x.length - 1]);
      probe.behind.push(s.history.filter((h) => h.step / per > drawn + 1e-9).length);
      return;
    }
  }, 100);
}

/** Main-thread task time and CPU time (ms) since the session enabled its Performance domain. */
async function mainThread(cdp: CDPSession): Promise<{ task: number; cpu: number }> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const ms = (name: string) => 1000 * (metrics.find((m) => m.name === name)?.value ?? NaN);
  return { task: ms('TaskDuration'), cpu: ms('ThreadTime') };
}

async function benchPreset(page: Page, preset: string, seconds: number): Promise<UiBenchRow> {
  await page.goto(`http://localhost:${PORT}/?preset=${preset}&backend=wasm`);
  await page.evaluate(() => window.ncLab.ready);
  await page.waitForFunction(
    () =>
      'ncLab' in window &&
      window.ncLab.getState().busy === null &&
      window.ncLab.getState().lastReport !== null,
    undefined,
    { timeout: 120_000 },
  );
  await page.evaluate(installProbe);
  const reports0 = await page.evaluate(() => window.ncLab.getState().history.length);
  await page.getByTestId('btn-start').click();
  // Time from the first report of the run (a network run first loads its dataset); a run that
  // fails to load says why here rather than after the timeout.
  await page.waitForFunction(
    (n) => {
      const s = window.ncLab.getState();
      return s.history.length > n || s.status === 'failed';
    },
    reports0,
    { timeout: 120_000 },
  );
  const failed = await page.evaluate(() => {
    const s = window.ncLab.getState();
    return s.status === 'failed' ? s.errors.join('; ') || 'no message' : null;
  });
  if (failed !== null) throw new Error(`${preset}: the run failed in the page: ${failed}`);
  const step0 = await page.evaluate(() => window.ncLab.getState().step);
  const draws0 = await page.evaluate(() => {
    const p = window.__uiBench as PageProbe;
    p.longTasks.length = 0;
    p.behind.length = 0;
    return window.ncLab.drawStats();
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const busy0 = await mainThread(cdp);
  const t0 = Date.now();
  const h0 = await page.evaluate(() => window.ncLab.getState().history.length);
  // The window ends with the run: a small UFM preset trains for about a second here.
  await page
    .waitForFunction(() => window.ncLab.getState().status !== 'running', undefined, {
      timeout: seconds * 1000,
      polling: 50,
    })
    .catch(() => undefined);
  const busy1 = await mainThread(cdp);
  await cdp.detach();
  const elapsed = (Date.now() - t0) / 1000;
  const probe = await page.evaluate(() => ({
    ...(window.__uiBench as PageProbe),
    history: window.ncLab.getState().history.length,
    step: window.ncLab.getState().step,
    status: window.ncLab.getState().status,
    draws: window.ncLab.drawStats(),
  }));
  if (probe.status === 'running') await stopRun(page);
  const busyMs = busy1.task - busy0.task;
  const cpuMs = busy1.cpu - busy0.cpu;
  const behind = probe.behind.length ? probe.behind : [0];
  return {
    preset,
    seconds: elapsed,
    busyMs,
    busyFraction: busyMs / (elapsed * 1000),
    cpuMs,
    cpuFraction: cpuMs / (elapsed * 1000),
    longTasks: probe.longTasks.length,
    longestTaskMs: Math.max(0, ...probe.longTasks),
    reports: probe.history - h0,
    steps: probe.step - step0,
    maxReportsBehind: Math.max(...behind),
    meanReportsBehind: behind.reduce((a, b) => a + b, 0) / behind.length,
    draws: probe.draws.draws - draws0.draws,
    meanDrawMs:
      (probe.draws.totalMs - draws0.totalMs) / Math.max(1, probe.draws.draws - draws0.draws),
    // The longest over the whole page life when it came before the window: an upper bound.
    maxDrawMs: probe.draws.maxMs,
    meanRenderMs:
      (probe.draws.renderMs - draws0.renderMs) / Math.max(1, probe.draws.draws - draws0.draws),
  };
}

/**
 * Each preset on wasm in a 1440×900 page, `seconds` of training after its first report, or until
 * the run ends when it ends sooner; all presets `repeats` times over, each time in a new page.
 */
export async function benchUiInBrowser(
  presets: string[],
  seconds: number,
  onRow: (row: UiBenchRow) => void,
  repeats = 1,
): Promise<UiBenchRow[]> {
  await ensureBuilt();
  const server = await startPreview();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const rows: UiBenchRow[] = [];
  try {
    for (const preset of Array.from({ length: repeats }, () => presets).flat()) {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      // A returning visitor: the first-visit introduction's modal dialog would take the clicks.
      await page.addInitScript(() => localStorage.setItem('nclab.intro.dismissed', '1'));
      const row = await benchPreset(page, preset, seconds);
      rows.push(row);
      onRow(row);
      await page.close();
    }
  } finally {
    await browser.close();
    server.stop();
  }
  return rows;
}

export function printUiRow(r: UiBenchRow): void {
  console.log(
    `chromium wasm  ${r.preset.padEnd(16)} ${r.seconds.toFixed(1)} s  busy ${(100 * r.busyFraction).toFixed(1).padStart(5)} % (${r.busyMs.toFixed(0)} ms)  cpu ${(100 * r.cpuFraction).toFixed(1).padStart(5)} %  long tasks ${String(r.longTasks).padStart(3)}, longest ${r.longestTaskMs.toFixed(0).padStart(4)} ms  reports ${String(r.reports).padStart(4)}  steps ${String(r.steps).padStart(6)}  charts behind max ${r.maxReportsBehind} mean ${r.meanReportsBehind.toFixed(2)} reports  draws ${r.draws} mean ${r.meanDrawMs.toFixed(0)} ms (+ ${r.meanRenderMs.toFixed(0)} ms rendering) max ${r.maxDrawMs.toFixed(0)} ms`,
  );
}

/** One preset's runs together: a one-second window moves by ±5 points from run to run here. */
export interface UiBenchSummary {
  preset: string;
  runs: number;
  busyMedian: number;
  busyMin: number;
  busyMax: number;
  /** the longest task of all its runs */
  longestTaskMs: number;
  /** the median over runs of the mean number of reports the charts were behind */
  meanReportsBehindMedian: number;
}

/** The rows of each preset summarised, in the order the presets first appear. */
export function summariseUi(rows: readonly UiBenchRow[]): UiBenchSummary[] {
  const byPreset = new Map<string, UiBenchRow[]>();
  for (const r of rows) byPreset.set(r.preset, [...(byPreset.get(r.preset) ?? []), r]);
  return [...byPreset].map(([preset, runs]) => {
    const busy = runs.map((r) => r.busyFraction);
    return {
      preset,
      runs: runs.length,
      busyMedian: median(busy),
      busyMin: Math.min(...busy),
      busyMax: Math.max(...busy),
      longestTaskMs: Math.max(...runs.map((r) => r.longestTaskMs)),
      meanReportsBehindMedian: median(runs.map((r) => r.meanReportsBehind)),
    };
  });
}

export function printUiSummary(s: UiBenchSummary): void {
  const pc = (x: number) => (100 * x).toFixed(1);
  console.log(
    `${s.preset.padEnd(26)} ${s.runs} runs  busy median ${pc(s.busyMedian).padStart(5)} % (${pc(s.busyMin)}–${pc(s.busyMax)})  longest task ${s.longestTaskMs.toFixed(0).padStart(3)} ms  charts behind ${s.meanReportsBehindMedian.toFixed(1)} reports (median of means)`,
  );
}

/**
 * Stops a run still training at the window's end. It may finish between the probe and the
 * click (a 30 000-step UFM now trains in about 8 s here), leaving Stop disabled: that is fine.
 */
async function stopRun(page: Page): Promise<void> {
  try {
    await page.getByTestId('btn-stop').click({ timeout: 5_000 });
  } catch (error) {
    const status = await page.evaluate(() => window.ncLab.getState().status);
    if (status === 'running') throw error;
  }
}
