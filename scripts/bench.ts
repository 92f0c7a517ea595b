/**
 * UFM throughput of the lab against a bare tfjs loop, per backend, for the preset sizes, and
 * network training throughput (NetSession steps/s and samples/s, one metrics read-back), and the
 * page's main thread while presets train on wasm (busy time, long tasks, chart lag: benchUi.ts).
 *
 *   npm run bench                 # Node (wasm, cpu) and headless Chromium (webgpu, webgl, wasm, cpu)
 *   npm run bench -- --node-only  # skip the browser
 *   npm run bench -- --budget 3   # seconds per measurement (default 2)
 *   npm run bench -- --ui-only    # only the page's main thread while training (4 × budget s a preset)
 *
 * Prints a table and writes bench-results/bench-<timestamp>.json.
 */
import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/engine/backend';
import { BENCH_PRESETS, benchConfig } from '../src/engine/bench/cases';
import { benchUfm, type UfmBenchRow } from '../src/engine/bench/ufmBench';
import { NET_BENCH_CASES, benchNetCase, type NetBenchRow } from '../src/engine/bench/netBench';
import { benchStreamingMetrics, type StreamingBenchResult } from '../src/engine/metrics/bench';
import { benchInBrowser, benchNetsInBrowser } from './benchBrowser';
import { benchCheckpoint, type CheckpointBenchRow } from '../src/engine/bench/checkpointBench';
import { DEFAULT_CHECKPOINT_EVERY } from '../src/engine/runs/defaults';
import { benchOverlayBuild } from '../src/app/runs/overlayBench';
import { UI_BENCH_PRESETS, benchUiInBrowser, printUiRow, type UiBenchRow } from './benchUi';

interface Row extends UfmBenchRow {
  where: 'node' | 'chromium';
  preset: string;
}

/** Steps that take about `budget` seconds, from a short probe. */
async function pickSteps(id: string, budgetS: number): Promise<number> {
  const probe = await benchUfm({ ...benchConfig(id), reportEvery: 3 }, id, 3, 1);
  return Math.max(
    5,
    Math.min(
      3000,
      Math.round(budgetS * Math.min(probe.labStepsPerSecond, probe.bareStepsPerSecond)),
    ),
  );
}

async function nodeRows(budgetS: number): Promise<Row[]> {
  const rows: Row[] = [];
  for (const backend of ['wasm', 'cpu'] as const) {
    const info = await initBackend(backend);
    if (info.backend !== backend) continue;
    for (const id of BENCH_PRESETS) {
      const steps = await pickSteps(id, budgetS);
      const config = { ...benchConfig(id), reportEvery: Math.min(100, steps) };
      const row = await benchUfm(config, id, steps);
      rows.push({ ...row, where: 'node', preset: id });
      printRow(rows[rows.length - 1]);
      if (tf.memory().numTensors > 50)
        throw new Error(`tensor leak: ${tf.memory().numTensors} tensors alive`);
    }
  }
  return rows;
}

type NetRow = NetBenchRow & { where: 'node' | 'chromium' };

/** Network cases in Node: wasm for all, cpu only for the MLPs (a conv step takes minutes). */
async function nodeNetRows(): Promise<NetRow[]> {
  const rows: NetRow[] = [];
  for (const backend of ['wasm', 'cpu'] as const) {
    const info = await initBackend(backend);
    if (info.backend !== backend) continue;
    for (const c of NET_BENCH_CASES) {
      if (c.conv && backend === 'cpu') continue;
      const row: NetRow = { ...(await benchNetCase(c.id)), where: 'node' };
      rows.push(row);
      printNetRow(row);
    }
  }
  return rows;
}

function printNetRow(r: NetRow): void {
  console.log(
    `${r.where.padEnd(9)}${r.backend.padEnd(8)}${r.label.padEnd(46)}${r.stepsPerSecond.toFixed(2).padStart(8)} steps/s ${r.samplesPerSecond.toFixed(0).padStart(7)} samples/s  measure ${r.measureMs.toFixed(0).padStart(6)} ms`,
  );
}

function printRow(r: Row): void {
  const f = (x: number) => x.toFixed(x >= 100 ? 0 : x >= 10 ? 1 : 2).padStart(8);
  console.log(
    `${r.where.padEnd(9)}${r.backend.padEnd(8)}${r.preset.padEnd(24)}N=${String(r.N).padEnd(5)}d=${String(r.d).padEnd(5)}M=${r.M}  steps ${String(r.steps).padStart(5)}  lab ${f(r.labStepsPerSecond)}/s  bare ${f(r.bareStepsPerSecond)}/s  overhead ${(100 * r.overhead).toFixed(1).padStart(6)} %  measure ${r.measureMs.toFixed(1).padStart(7)} ms`,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'node-only': { type: 'boolean', default: false },
      'browser-only': { type: 'boolean', default: false },
      budget: { type: 'string', default: '2' },
      backends: { type: 'string', default: 'webgpu,webgl,wasm,cpu' },
      'ui-only': { type: 'boolean', default: false },
    },
  });
  const budget = Number(values.budget);
  const ui: UiBenchRow[] = [];
  if (!values['node-only']) {
    console.log('page main thread while training (1440×900, wasm backend)');
    ui.push(...(await benchUiInBrowser(UI_BENCH_PRESETS, 4 * budget, printUiRow)));
    if (values['ui-only']) {
      writeResults({ ui });
      return;
    }
  }
  const rows: Row[] = [];
  console.log(
    'where    backend preset                  size                       steps    lab steps/s     bare         overhead   metrics read-back',
  );
  if (!values['browser-only']) rows.push(...(await nodeRows(budget)));
  if (!values['node-only']) {
    const browserRows = await benchInBrowser(values.backends.split(','), budget, (r) =>
      printRow({ ...r, where: 'chromium', preset: r.label }),
    );
    rows.push(...browserRows.map((r) => ({ ...r, where: 'chromium' as const, preset: r.label })));
  }
  const netRows: NetRow[] = [];
  console.log('\nnetworks (NetSession training steps, 512 random samples)');
  if (!values['browser-only']) netRows.push(...(await nodeNetRows()));
  if (!values['node-only']) {
    const browserNets = await benchNetsInBrowser(values.backends.split(','), (r) =>
      printNetRow({ ...r, where: 'chromium' }),
    );
    netRows.push(...browserNets.map((r) => ({ ...r, where: 'chromium' as const })));
  }
  // Streaming NC metrics on 200 000 × 512 features (issue 3's size), Node wasm.
  const streaming: StreamingBenchResult[] = [];
  if (!values['browser-only']) {
    await initBackend('wasm');
    const r = await benchStreamingMetrics({ repeats: 2 });
    streaming.push(r);
    console.log(
      `\nstreaming metrics ${r.N}×${r.d}, K=${r.K}, ${r.batches} batches of ${r.batchSize} on ${r.backend}: best ${Math.min(...r.ms).toFixed(0)} ms (${r.rowsPerSecond.toFixed(0)} rows/s), ${r.leakedTensors} tensors leaked`,
    );
  }
  // Checkpoints (run library): capture cost against the run time between two of them.
  const checkpoints: CheckpointBenchRow[] = [];
  if (!values['browser-only']) {
    const info = await initBackend('wasm');
    console.log('\ncheckpoints (Node wasm), one every', DEFAULT_CHECKPOINT_EVERY, 'reports');
    for (const id of ['seed-balanced-bias-m3', 'seed-imbalanced-m1']) {
      const c = await benchCheckpoint(benchConfig(id), id, info, DEFAULT_CHECKPOINT_EVERY);
      checkpoints.push(c);
      console.log(
        `${id.padEnd(24)}${(c.bytes / 1e6).toFixed(2).padStart(7)} MB  capture ${c.captureMs.toFixed(1).padStart(7)} ms  report interval ${c.reportIntervalMs.toFixed(0).padStart(6)} ms  cost ${(100 * c.overhead).toFixed(2)} %`,
      );
    }
  }
  const overlay = benchOverlayBuild(50);
  console.log(
    `overlay figure data, ${overlay.runs} kept 30 000-step UFM runs per layer (${overlay.points} points): ${overlay.ms.toFixed(1)} ms`,
  );
  writeResults({ rows, netRows, streaming, ui, checkpoints, overlay });
}

function writeResults(results: Record<string, unknown>): void {
  mkdirSync('bench-results', { recursive: true });
  const file = `bench-results/bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
  };
  writeFileSync(
    file,
    JSON.stringify({ machine, date: new Date().toISOString(), ...results }, null, 1),
  );
  console.log(`\nwrote ${file}`);
}

main().catch((e: unknown) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
