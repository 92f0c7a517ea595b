import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildDatasets, DEFAULT_OUT } from './build-datasets';
import { cpus } from 'node:os';
import { chromium, type Page } from 'playwright-core';
import type { BackendInfo } from '../src/engine/core/backend';
import { BENCH_PRESETS } from '../src/engine/bench/cases';
import type { UfmBenchRow } from '../src/engine/bench/ufmBench';
import { NET_BENCH_CASES, type NetBenchRow } from '../src/engine/bench/netBench';
import { isConvModel } from '../src/engine/config/schema';
import { MAX_WASM_THREADS } from '../src/engine/run/wasmThreads';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/chromium';

/** BENCH_PORT lets two checkouts benchmark side by side. */
export const PORT = Number(process.env.BENCH_PORT ?? 4175);

/** Presets too slow for a software adapter's budget are skipped there (see docs/backends.md §2). */
const SOFTWARE_SKIP = new Set([
  'seed-imbalanced-m3',
  'seed-imbalanced-m6',
  'seed-balanced-bias-m9',
]);

export function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: 'inherit' });
    p.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`)),
    );
  });
}

/** What the built page is made from: a newer file here means dist/ is stale. */
const BUILD_SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'package-lock.json'];

/** The newest modification time under `path` (0 where it does not exist). */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newestMtime(join(path, name))), 0);
}

/**
 * Builds dist/ where it is missing or older than its sources. The browser rows time the built
 * page: a dist/ left from an earlier commit timed that commit's code (the heap convolution's
 * first browser rows read the convolutions of the commit before it). The embedded datasets
 * first (as `npm run build` does), which the page's MNIST presets load: on a fresh clone the UI
 * bench's md-mnist-quick otherwise failed to load its run.
 */
export async function ensureBuilt(): Promise<void> {
  buildDatasets(DEFAULT_OUT, false, (s) => process.stdout.write(s + '\n'));
  if (isStale('dist/index.html', BUILD_SOURCES)) await run('npx', ['vite', 'build']);
}

/** Whether `built` is missing or older than any file under `sources`. */
export function isStale(built: string, sources: readonly string[]): boolean {
  if (!existsSync(built)) return true;
  return statSync(built).mtimeMs < Math.max(0, ...sources.map(newestMtime));
}

/** A running `vite preview`: stop() ends it and everything npx started under it. */
export interface Preview {
  stop(): void;
}

/**
 * Serves dist/ on PORT. npx starts vite as a child of its own, so the server runs in a process
 * group of its own and stop() signals the whole group: killing npx alone left vite serving.
 */
export async function startPreview(): Promise<Preview> {
  const server: ChildProcess = spawn(
    'npx',
    ['vite', 'preview', '--port', String(PORT), '--strictPort'],
    { stdio: 'ignore', detached: true },
  );
  const stop = () => {
    if (server.pid === undefined || server.exitCode !== null) return;
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  };
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://localhost:${PORT}/`)).ok) return { stop };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  stop();
  throw new Error('vite preview did not start');
}

/**
 * The wasm thread counts the browser rows are timed at: one, and every core (tfjs's pool takes at
 * most 8). BENCH_WASM_THREADS=1,2,4 chooses others.
 */
export function wasmThreadCounts(): string[] {
  const asked = process.env.BENCH_WASM_THREADS;
  if (asked) return asked.split(',');
  const n = Math.min(cpus().length, MAX_WASM_THREADS);
  return n > 1 ? ['1', String(n)] : ['1'];
}

/**
 * Build if needed, serve dist/, and call `visit` with a page of the lab on each backend that
 * really initialises (a missing one is reported and skipped); wasm once per thread count.
 */
async function onEachBackend(
  backends: string[],
  visit: (page: Page, backend: string, info: BackendInfo) => Promise<void>,
): Promise<void> {
  await ensureBuilt();
  const server = await startPreview();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const visits = backends.flatMap((b) =>
    b === 'wasm' ? wasmThreadCounts().map((t) => `backend=wasm&threads=${t}`) : [`backend=${b}`],
  );
  try {
    for (const query of visits) {
      const backend = new URLSearchParams(query).get('backend') ?? 'auto';
      const page = await browser.newPage();
      await page.goto(`http://localhost:${PORT}/?${query}`);
      await page.waitForFunction(() => 'ncLab' in window, undefined, { timeout: 60_000 });
      const info = await page.evaluate((b) => window.ncLab.backendInfo(b as 'auto'), backend);
      if (info.backend === backend) await visit(page, backend, info);
      else console.log(`chromium ${backend}: not available (${info.notes.join('; ')})`);
      await page.close();
    }
  } finally {
    await browser.close();
    server.stop();
  }
}

/** Network cases through the lab's worker; conv cases skipped on software adapters and cpu. */
export async function benchNetsInBrowser(
  backends: string[],
  onRow: (row: NetBenchRow) => void,
): Promise<NetBenchRow[]> {
  const rows: NetBenchRow[] = [];
  await onEachBackend(backends, async (page, backend, info) => {
    const slow = info.software || backend === 'cpu';
    for (const c of NET_BENCH_CASES.filter((x) => !(slow && isConvModel(x.config.model)))) {
      const [row] = await page.evaluate(([i, b]) => window.ncLab.benchmarkNets([i], b as 'auto'), [
        c.id,
        backend,
      ] as const);
      rows.push(row);
      onRow(row);
    }
  });
  return rows;
}

/** Time the preset sizes in headless Chromium, through the lab's own worker (window.ncLab.benchmark). */
export async function benchInBrowser(
  backends: string[],
  budgetSeconds: number,
  onRow: (row: UfmBenchRow) => void,
): Promise<UfmBenchRow[]> {
  const rows: UfmBenchRow[] = [];
  await onEachBackend(backends, async (page, backend, info) => {
    const ids = BENCH_PRESETS.filter((id) => !(info.software && SOFTWARE_SKIP.has(id)));
    for (const id of ids) {
      const [row] = await page.evaluate(
        ([i, b, s]) => window.ncLab.benchmark([i as string], b as 'auto', s as number),
        [id, backend, budgetSeconds] as const,
      );
      rows.push(row);
      onRow(row);
    }
  });
  return rows;
}
