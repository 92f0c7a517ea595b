/**
 * The run library's overlay in the browser (issue 12): 50 kept 30 000-step UFM runs imported into
 * the Runs panel, ticked one by one for the overlay (per layer, M = 3) and unticked again, then
 * shown in the live NC and Loss panels. Per toggle: the time from the click until the figure
 * shows the new selection; over the whole window: the longest main-thread task (Long Tasks API)
 * and the longest gap between two animation frames.
 */
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/chromium';
import type { DrawStats } from '../src/app/panels/drawScheduler';
import { SCHEMA_VERSION } from '../src/engine/config/schema';
import { toBundle } from '../src/engine/runs/exchange';
import { APP_VERSION } from '../src/engine/core/version';
import { syntheticUfmRuns } from '../src/app/runs/overlayBench';
import { PORT, ensureBuilt, startPreview } from './benchBrowser';

export interface OverlayUiRow {
  runs: number;
  /** Click → figure redrawn with the selection, ms, ticking runs 1 … n, then unticking them. */
  tickMeanMs: number;
  tickMaxMs: number;
  untickMeanMs: number;
  untickMaxMs: number;
  /** Over the ticking and unticking: the longest main-thread task and animation-frame gap, ms. */
  longestTaskMs: number;
  longTasks: number;
  maxFrameGapMs: number;
  /** Opening the NC + Loss tab with all n overlaid: until the NC figure holds them, ms. */
  panelsMs: number;
  panelsLongestTaskMs: number;
  /** Plotly redraws of the Runs tab's figure while toggling: how many, mean and longest, ms. */
  draws: number;
  meanDrawMs: number;
  maxDrawMs: number;
}

/** The bundle the Runs panel imports: n RunResults, named by seed. */
function bundleText(n: number): string {
  const runs = syntheticUfmRuns(n).map((r) => ({
    name: `bench seed ${r.config.seed}`,
    tags: ['bench'],
    result: {
      schemaVersion: SCHEMA_VERSION,
      app: { name: 'nc-lab' as const, version: APP_VERSION },
      config: r.config,
      backend: { backend: 'wasm' },
      status: 'completed' as const,
      message: null,
      history: r.history,
      final: null,
      theory: null,
      timing: { trainMs: 30_000, measureMs: 1_000, stepsPerSecond: 1_000 },
      breakdown: null,
    },
  }));
  return JSON.stringify(toBundle(runs as unknown as Parameters<typeof toBundle>[0]));
}

interface ToggleTimes {
  tick: number[];
  untick: number[];
  longTasks: number[];
  maxFrameGap: number;
}

/** In the page: tick the first n overlay boxes one at a time, then untick them, timing each. */
async function toggleAll(n: number): Promise<ToggleTimes> {
  type Gd = Element & { data?: { legendgroup?: string; meta?: { runs?: string[] } }[] };
  // The runs drawn: a trace's legend group, or the runs a merged trace holds (over 10 runs).
  const groups = () => {
    const gd = document.querySelector('[data-testid="runs-compare"] .js-plotly-plot') as Gd | null;
    return new Set((gd?.data ?? []).flatMap((d) => d.meta?.runs ?? [d.legendgroup])).size;
  };
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const until = async (want: number) => {
    while (groups() !== want) await frame();
  };
  const boxes = () =>
    [...document.querySelectorAll('input[aria-label^="overlay "]')] as HTMLInputElement[];
  // Per-layer lines on (three a run), as a researcher comparing depths would draw them.
  boxes()[0].click();
  await until(1);
  const perLayer = [...document.querySelectorAll('[data-testid="runs-compare"] label')].find(
    (l) => l.textContent?.trim() === 'per layer',
  );
  perLayer?.querySelector('input')?.click();
  await frame();
  boxes()[0].click();
  await until(0);

  const longTasks: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longTasks.push(e.duration);
  });
  observer.observe({ type: 'longtask' });
  let maxFrameGap = 0;
  let last = performance.now();
  let running = true;
  const tick = (t: number) => {
    maxFrameGap = Math.max(maxFrameGap, t - last);
    last = t;
    if (running) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const times = { tick: [] as number[], untick: [] as number[] };
  for (const [kind, from] of [
    ['tick', 0],
    ['untick', n],
  ] as const) {
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      boxes()[i].click();
      await until(kind === 'tick' ? from + i + 1 : from - i - 1);
      times[kind].push(performance.now() - t);
    }
  }
  running = false;
  await frame();
  observer.disconnect();
  return { ...times, longTasks, maxFrameGap };
}

/** In the page: open the key tab (NC + Loss) with every run ticked; until NC holds them all. */
async function openPanels(n: number): Promise<{ ms: number; longTasks: number[] }> {
  type Gd = Element & { data?: { legendgroup?: string; meta?: { runs?: string[] } }[] };
  const longTasks: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longTasks.push(e.duration);
  });
  observer.observe({ type: 'longtask' });
  const t = performance.now();
  (document.querySelector('[data-testid="tab-key"]') as HTMLElement).click();
  for (;;) {
    const gd = document.querySelector('[data-testid="panel-nc"] .js-plotly-plot') as Gd | null;
    const kept = new Set(
      (gd?.data ?? [])
        .flatMap((d) => d.meta?.runs ?? [d.legendgroup])
        .filter((g) => g?.includes('-')),
    );
    if (kept.size >= n) break;
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
  const ms = performance.now() - t;
  await new Promise((resolve) => setTimeout(resolve, 300));
  observer.disconnect();
  return { ms, longTasks };
}

async function benchOverlay(page: Page, n: number): Promise<OverlayUiRow> {
  await page.goto(`http://localhost:${PORT}/?preset=tiny-check&backend=wasm`);
  await page.evaluate(() => window.ncLab.ready);
  await page.waitForFunction(
    () => 'ncLab' in window && window.ncLab.getState().busy === null,
    undefined,
    {
      timeout: 120_000,
    },
  );
  await page.evaluate(async (text) => {
    await window.ncLab.runs.clear();
    await window.ncLab.runs.import(text, 'bench.json');
  }, bundleText(n));
  await page.getByTestId('tab-runs').click();
  await page.waitForFunction(
    (k) => document.querySelectorAll('[data-testid="run-row"]').length === k,
    n,
  );
  // Tick all at once and back, so every history is read from IndexedDB before timing.
  const boxes = page.locator('input[aria-label^="overlay "]');
  for (const box of await boxes.all()) await box.check();
  await page.waitForFunction(
    (k) =>
      new Set(
        (
          document.querySelector('[data-testid="runs-compare"] .js-plotly-plot') as
            (Element & { data?: { legendgroup?: string; meta?: { runs?: string[] } }[] }) | null
        )?.data?.flatMap((d) => d.meta?.runs ?? [d.legendgroup]),
      ).size === k,
    n,
    { timeout: 120_000 },
  );
  await page.getByRole('button', { name: /^Clear selection/ }).click();
  const figure = (stats: DrawStats) =>
    Object.entries(stats.figures).find(([k]) => k.startsWith('runs-compare'))?.[1] ?? {
      draws: 0,
      totalMs: 0,
      maxMs: 0,
    };
  const before = figure(await page.evaluate(() => window.ncLab.drawStats()));
  const times = await page.evaluate(toggleAll, n);
  const after = figure(await page.evaluate(() => window.ncLab.drawStats()));
  // With all ticked, the live panels draw them too.
  for (const box of await boxes.all()) await box.check();
  const panels = await page.evaluate(openPanels, n);
  await page.evaluate(() => window.ncLab.runs.clear());
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return {
    runs: n,
    tickMeanMs: mean(times.tick),
    tickMaxMs: Math.max(...times.tick),
    untickMeanMs: mean(times.untick),
    untickMaxMs: Math.max(...times.untick),
    longestTaskMs: Math.max(0, ...times.longTasks),
    longTasks: times.longTasks.length,
    maxFrameGapMs: times.maxFrameGap,
    panelsMs: panels.ms,
    panelsLongestTaskMs: Math.max(0, ...panels.longTasks),
    draws: after.draws - before.draws,
    meanDrawMs: (after.totalMs - before.totalMs) / Math.max(1, after.draws - before.draws),
    maxDrawMs: after.maxMs,
  };
}

/** The overlay of `n` kept runs in headless Chromium (1440×900). */
export async function benchOverlayInBrowser(n = 50): Promise<OverlayUiRow> {
  await ensureBuilt();
  const server = await startPreview();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    // A returning visitor: the first-visit introduction would cover the page.
    await page.addInitScript(() => {
      localStorage.setItem('nclab.intro.dismissed', '1');
      // tsx keeps function names with an __name helper that the page lacks.
      (window as unknown as Record<string, unknown>).__name = (f: unknown) => f;
    });
    return await benchOverlay(page, n);
  } finally {
    await browser.close();
    server.stop();
  }
}

export function printOverlayRow(r: OverlayUiRow): void {
  console.log(
    `overlay of ${r.runs} kept 30 000-step UFM runs (per layer, M = 3), Runs tab: tick ${r.tickMeanMs.toFixed(0)} ms mean, ${r.tickMaxMs.toFixed(0)} ms max; untick ${r.untickMeanMs.toFixed(0)} / ${r.untickMaxMs.toFixed(0)} ms; longest task ${r.longestTaskMs.toFixed(0)} ms (${r.longTasks} over 50 ms); longest frame gap ${r.maxFrameGapMs.toFixed(0)} ms; ${r.draws} redraws, ${r.meanDrawMs.toFixed(0)} ms mean, ${r.maxDrawMs.toFixed(0)} ms max; NC + Loss tab with all ${r.runs}: ${r.panelsMs.toFixed(0)} ms, longest task ${r.panelsLongestTaskMs.toFixed(0)} ms`,
  );
}
