import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { BENCH_PRESETS } from '../src/engine/bench/cases';
import type { UfmBenchRow } from '../src/engine/bench/ufmBench';
import { NET_BENCH_CASES, type NetBenchRow } from '../src/engine/bench/netBench';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/chromium';

const PORT = 4175;

/** Presets too slow for a software adapter's budget are skipped there (see perf-notes.md). */
const SOFTWARE_SKIP = new Set([
  'seed-imbalanced-m3',
  'seed-imbalanced-m6',
  'seed-balanced-bias-m9',
]);

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: 'inherit' });
    p.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`)),
    );
  });
}

async function startPreview(): Promise<ChildProcess> {
  const server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort'], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://localhost:${PORT}/`)).ok) return server;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  server.kill();
  throw new Error('vite preview did not start');
}

/** Network cases in headless Chromium, through the lab's worker; conv cases skipped on software adapters. */
export async function benchNetsInBrowser(
  backends: string[],
  onRow: (row: NetBenchRow) => void,
): Promise<NetBenchRow[]> {
  if (!existsSync('dist/index.html')) await run('npx', ['vite', 'build']);
  const server = await startPreview();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const rows: NetBenchRow[] = [];
  try {
    for (const backend of backends) {
      const page = await browser.newPage();
      await page.goto(`http://localhost:${PORT}/?backend=${backend}`);
      await page.waitForFunction(() => 'ncLab' in window, undefined, { timeout: 60_000 });
      const info = await page.evaluate((b) => window.ncLab.backendInfo(b as 'auto'), backend);
      if (info.backend !== backend) {
        await page.close();
        continue;
      }
      const slow = info.software || backend === 'cpu';
      for (const c of NET_BENCH_CASES.filter((x) => !(slow && x.conv))) {
        const [row] = await page.evaluate(
          ([i, b]) => window.ncLab.benchmarkNets([i], b as 'auto'),
          [c.id, backend] as const,
        );
        rows.push(row);
        onRow(row);
      }
      await page.close();
    }
  } finally {
    await browser.close();
    server.kill();
  }
  return rows;
}

/** Time the preset sizes in headless Chromium, through the lab's own worker (window.ncLab.benchmark). */
export async function benchInBrowser(
  backends: string[],
  budgetSeconds: number,
  onRow: (row: UfmBenchRow) => void,
): Promise<UfmBenchRow[]> {
  if (!existsSync('dist/index.html')) await run('npx', ['vite', 'build']);
  const server = await startPreview();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const rows: UfmBenchRow[] = [];
  try {
    for (const backend of backends) {
      const page = await browser.newPage();
      await page.goto(`http://localhost:${PORT}/?backend=${backend}`);
      await page.waitForFunction(() => 'ncLab' in window, undefined, { timeout: 60_000 });
      const info = await page.evaluate((b) => window.ncLab.backendInfo(b as 'auto'), backend);
      if (info.backend !== backend) {
        console.log(`chromium ${backend}: not available (${info.notes.join('; ')})`);
        await page.close();
        continue;
      }
      const ids = BENCH_PRESETS.filter((id) => !(info.software && SOFTWARE_SKIP.has(id)));
      for (const id of ids) {
        const [row] = await page.evaluate(
          ([i, b, s]) => window.ncLab.benchmark([i as string], b as 'auto', s as number),
          [id, backend, budgetSeconds] as const,
        );
        rows.push(row);
        onRow(row);
      }
      await page.close();
    }
  } finally {
    await browser.close();
    server.kill();
  }
  return rows;
}
