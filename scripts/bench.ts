/**
 * UFM throughput of the lab against a bare tfjs loop, per backend, for the preset sizes, and
 * network training throughput (NetSession steps/s and samples/s, one metrics read-back), and the
 * page's main thread while presets train on wasm (busy time, long tasks, chart lag: benchUi.ts).
 *
 *   npm run bench                 # Node (wasm, cpu) and headless Chromium (webgpu, webgl, wasm, cpu)
 *   npm run bench -- --node-only  # skip the browser
 *   npm run bench -- --budget 3   # seconds per measurement (default 2)
 *   npm run bench -- --ui-only    # only the page's main thread while training (4 × budget s a preset, --ui-repeats 3 runs each)
 *   npm run bench -- --checkpoints-only   # only the checkpoint cost of every preset size (Node wasm)
 *   npm run bench -- --overlay-only       # only the 50-run overlay in the browser (also in --ui-only)
 *   npm run bench -- --streaming-only --repeats 3   # only the streaming metrics (best of 3)
 *   npm run bench -- --efficiency-only    # only the network steps against XNNPACK's peak (Node wasm)
 *   npm run bench -- --threads-only       # only Chromium wasm at 1 and n threads, and auto's choice
 *                                         # (BENCH_WASM_THREADS=1,2,1,2 interleaves rounds)
 *   npm run bench -- --node-backends wasm   # Node rows on wasm only
 *   npm run bench -- --node-backends wasm,webgpu   # beside Node WebGPU (Dawn, the GPU's Vulkan driver)
 *   npm run bench -- --torch-run  # also run bench/torch_reference.py (python3 with torch) in this run
 *   npm run bench -- --torch bench-results/torch-reference.json   # or read what it wrote earlier
 *   npm run bench -- --node-only --node-backends webgpu --compare-backend webgpu \
 *     --torch-run --torch-device cuda --large   # a GPU server: Node WebGPU against PyTorch CUDA
 *
 * With Node wasm, each network case's step is also set against XNNPACK's peak on the same matmul
 * and convolution shapes (netEfficiency.ts): efficiency = peak sum ÷ step time, goal ≥ 0.8.
 *
 * Prints a table and writes bench-results/bench-<timestamp>.json.
 */
import * as tf from '@tensorflow/tfjs-core';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/engine/core/backend';
import { BENCH_PRESETS, benchConfig } from '../src/engine/bench/cases';
import { benchUfm, type UfmBenchRow } from '../src/engine/bench/ufmBench';
import {
  NET_BENCH_CASES,
  NET_BENCH_LARGE_CASES,
  benchNetCase,
  type NetBenchRow,
} from '../src/engine/bench/netBench';
import { netEfficiency, type NetEfficiency } from '../src/engine/bench/netEfficiency';
import { isConvModel } from '../src/engine/config/schema';
import { benchStreamingMetrics, type StreamingBenchResult } from '../src/engine/metrics/bench';
import { benchCheckpoint, type CheckpointBenchRow } from '../src/engine/bench/checkpointBench';
import { AUTO_MIN_EVERY as FIXED_CHECKPOINT_EVERY } from '../src/engine/runs/checkpointSchedule';
import { benchOverlayBuild } from '../src/app/runs/overlayBench';
import type { UiBenchRow, UiBenchSummary } from './benchUi';
import { printThreadSpeedups, threadSpeedups, threadedRows } from './benchThreads';
import type { OverlayUiRow } from './benchOverlayUi';
import type { FirstChartResult } from './benchFirstChart';
import {
  printRatios,
  ratios,
  readTorchReference,
  runTorchReference,
  type LabFigure,
  type TorchReference,
} from './benchTorch';
import { makeDirs } from './makeDirs';

// The browser benches load Playwright: imported when used, so `--node-only` runs on a server
// that has Node alone (the GPU bundle of bench/gpu/pack.sh leaves them out).
const browserBench = () => import('./benchBrowser');
const uiBench = () => import('./benchUi');
const overlayUiBench = () => import('./benchOverlayUi');
const firstChartBench = () => import('./benchFirstChart');

interface Row extends UfmBenchRow {
  where: 'node' | 'chromium';
  preset: string;
}

/** Steps that take about `budget` seconds, from a short probe after a warm-up one. */
async function pickSteps(id: string, budgetS: number): Promise<number> {
  // the first steps of a size pay for wasm's allocations and first packings (d = 2048 ran
  // 5-step rows on a cold probe): probe twice, keep the second
  await benchUfm({ ...benchConfig(id), reportEvery: 3 }, id, 3, 1);
  const probe = await benchUfm({ ...benchConfig(id), reportEvery: 3 }, id, 3, 1);
  return Math.max(
    5,
    Math.min(
      3000,
      Math.round(budgetS * Math.min(probe.labStepsPerSecond, probe.bareStepsPerSecond)),
    ),
  );
}

/** Node backends: webgpu is Dawn on the machine's Vulkan driver (src/engine/core/nodeWebGpu.ts). */
const NODE_BENCH_BACKENDS = ['wasm', 'webgpu', 'cpu'] as const;
let softwareAdapter = false;

/** Initialises the backend; says why and returns false when it is not available here. */
async function usable(backend: (typeof NODE_BENCH_BACKENDS)[number]): Promise<boolean> {
  const info = await initBackend(backend);
  if (info.backend === backend) {
    softwareAdapter = info.software;
    if (info.adapter) console.log(`node     ${backend}: ${info.notes.at(-1) ?? ''}`);
    return true;
  }
  console.log(`node     ${backend}: not available (${info.notes.join('; ')})`);
  return false;
}

async function nodeRows(budgetS: number, backends: readonly string[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const backend of NODE_BENCH_BACKENDS.filter((b) => backends.includes(b))) {
    if (!(await usable(backend))) continue;
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

/**
 * Network cases in Node: wasm for all, cpu only for the MLPs (a conv step takes minutes); with
 * `large`, the full-width networks too, on a hardware WebGPU adapter only.
 */
async function nodeNetRows(backends: readonly string[], large: boolean): Promise<NetRow[]> {
  const rows: NetRow[] = [];
  for (const backend of NODE_BENCH_BACKENDS.filter((b) => backends.includes(b))) {
    if (!(await usable(backend))) continue;
    const gpu = backend === 'webgpu' && !softwareAdapter;
    for (const c of [...NET_BENCH_CASES, ...(large && gpu ? NET_BENCH_LARGE_CASES : [])]) {
      // A conv step takes minutes on plain JS and on a software Vulkan driver.
      if (
        isConvModel(c.config.model) &&
        (backend === 'cpu' || (backend === 'webgpu' && softwareAdapter))
      )
        continue;
      // a GPU step is short: longer slices, so the read-back ending each is a small part
      try {
        const row: NetRow = { ...(await benchNetCase(c.id, 3, gpu ? 20 : 5)), where: 'node' };
        rows.push(row);
        printNetRow(row);
      } catch (e) {
        // one case failing (a GPU's memory, a driver's limit) must not lose the other rows
        console.log(`node     ${backend.padEnd(8)}${c.label}: failed: ${errorText(e)}`);
      }
    }
  }
  return rows;
}

type EfficiencyRow = NetEfficiency & { torchRatio: number | null };

/**
 * Each network case's step against XNNPACK's peak on its own matmul / conv shapes, on Node wasm
 * (a few steps a case: ~10 s in all), with lab ÷ PyTorch beside it when torch figures are loaded.
 */
async function efficiencyRows(torch: TorchReference | null): Promise<EfficiencyRow[]> {
  if (!(await usable('wasm'))) return [];
  console.log(
    "\nnetwork steps against XNNPACK's peak on their matmul / conv shapes (Node wasm; efficiency = peak ÷ step, goal ≥ 0.8; ceiling = peak ÷ (the products with new operands + the optimiser's update), a step of nothing else)",
  );
  const rows: EfficiencyRow[] = [];
  for (const c of NET_BENCH_CASES) {
    try {
      const r = await netEfficiency(c);
      const ratio = torch
        ? (ratios([{ key: r.id, label: r.label, value: 1000 / r.stepMs }], torch)[0]?.ratio ?? null)
        : null;
      rows.push({ ...r, torchRatio: ratio });
      printEfficiencyRow(rows[rows.length - 1]);
    } catch (e) {
      console.log(`${c.label}: failed: ${errorText(e)}`);
    }
  }
  return rows;
}

function printEfficiencyRow(r: EfficiencyRow): void {
  const ms = (x: number) => x.toFixed(x >= 10 ? 0 : 1);
  const others = r.otherKernels
    .slice(0, 3)
    .map((k) => `${k.name} ${ms(k.ms)}`)
    .join(', ');
  const torch = r.torchRatio === null ? '' : `  lab ÷ PyTorch ${r.torchRatio.toFixed(2)}`;
  console.log(
    `${r.label.padEnd(46)}efficiency ${r.efficiency.toFixed(2)} (ceiling ${r.ceiling.toFixed(2)})  peak ${ms(r.peakMs).padStart(4)} ms  step ${ms(r.stepMs).padStart(4)} ms  matmul/conv ${((100 * r.kernelsMs) / r.stepMs).toFixed(0).padStart(3)} % of it, ${ms(r.freshMs)} ms with new operands  update ${ms(r.optimiserMs)} ms  others: ${others} ms${torch}`,
  );
}

/** "wasm×2" for a row timed on 2 wasm threads. */
const backendLabel = (r: { backend: string; threads?: number | null }): string =>
  r.threads ? `${r.backend}×${r.threads}` : r.backend;

function printNetRow(r: NetRow): void {
  console.log(
    `${r.where.padEnd(9)}${backendLabel(r).padEnd(8)}${r.label.padEnd(46)}${r.stepsPerSecond.toFixed(2).padStart(8)} steps/s ${r.samplesPerSecond.toFixed(0).padStart(7)} samples/s  measure ${r.measureMs.toFixed(0).padStart(6)} ms`,
  );
}

function printRow(r: Row): void {
  const f = (x: number) => x.toFixed(x >= 100 ? 0 : x >= 10 ? 1 : 2).padStart(8);
  console.log(
    `${r.where.padEnd(9)}${backendLabel(r).padEnd(8)}${r.preset.padEnd(24)}N=${String(r.N).padEnd(5)}d=${String(r.d).padEnd(5)}M=${r.M}  steps ${String(r.steps).padStart(5)}  lab ${f(r.labStepsPerSecond)}/s  bare ${f(r.bareStepsPerSecond)}/s  overhead ${(100 * r.overhead).toFixed(1).padStart(6)} %  measure ${r.measureMs.toFixed(1).padStart(7)} ms`,
  );
}

/** Streaming NC metrics on 200 000 × 512 features (issue 3's size), Node wasm by default. */
async function streamingMetrics(
  repeats: number,
  backend: (typeof NODE_BENCH_BACKENDS)[number] = 'wasm',
): Promise<StreamingBenchResult> {
  if (!(await usable(backend))) throw new Error(`streaming metrics: ${backend} is not available`);
  const r = await benchStreamingMetrics({ repeats });
  console.log(
    `\nstreaming metrics ${r.N}×${r.d}, K=${r.K}, ${r.batches} batches of ${r.batchSize} on ${r.backend}: best ${Math.min(...r.ms).toFixed(0)} ms (${r.rowsPerSecond.toFixed(0)} rows/s), ${r.leakedTensors} tensors leaked`,
  );
  return r;
}

const BENCH_OPTIONS = {
  'node-only': { type: 'boolean', default: false },
  'browser-only': { type: 'boolean', default: false },
  budget: { type: 'string', default: '2' },
  backends: { type: 'string', default: 'webgpu,webgl,wasm,cpu' },
  'ui-only': { type: 'boolean', default: false },
  torch: { type: 'string' },
  'torch-run': { type: 'boolean', default: false },
  python: { type: 'string', default: 'python3' },
  'first-chart-loads': { type: 'string', default: '5' },
  'node-backends': { type: 'string', default: 'wasm,cpu' },
  'checkpoints-only': { type: 'boolean', default: false },
  'overlay-only': { type: 'boolean', default: false },
  'streaming-only': { type: 'boolean', default: false },
  'threads-only': { type: 'boolean', default: false },
  repeats: { type: 'string', default: '2' },
  'ui-repeats': { type: 'string', default: '3' },
  'compare-backend': { type: 'string', default: 'wasm' },
  'torch-device': { type: 'string', default: 'cpu' },
  large: { type: 'boolean', default: false },
  'efficiency-only': { type: 'boolean', default: false },
} as const;

type BenchArgs = ReturnType<typeof parseArgs<{ options: typeof BENCH_OPTIONS }>>['values'];
type CompareBackend = (typeof NODE_BENCH_BACKENDS)[number];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: BENCH_OPTIONS });
  const compare = values['compare-backend'];
  if (!NODE_BENCH_BACKENDS.some((b) => b === compare))
    throw new Error(`--compare-backend must be one of ${NODE_BENCH_BACKENDS.join(', ')}`);
  const compareBackend = compare as CompareBackend;
  if (await oneSection(values, compareBackend)) return;
  const nodeBackends = values['node-backends'].split(',');
  if (values['efficiency-only'] && !nodeBackends.includes('wasm'))
    throw new Error('--efficiency-only measures Node wasm: --node-backends must include wasm');
  const torch = await torchColumn(values);
  if (values['efficiency-only']) {
    writeResults({ efficiency: await efficiencyRows(torch), torch });
    return;
  }
  let firstChart: FirstChartResult | null = null;
  if (!values['node-only'] && !values['ui-only']) {
    const { benchFirstChart, printFirstChart } = await firstChartBench();
    firstChart = await benchFirstChart(Number(values['first-chart-loads']));
    printFirstChart(firstChart);
  }
  const budget = Number(values.budget);
  const page = values['node-only'] ? null : await pageSection(values, budget);
  if (values['ui-only'] && page) {
    writeResults({ ...page });
    return;
  }
  const { rows, netRows, efficiency } = await stepSection(values, budget, nodeBackends, torch);
  const threadsTable = threadSpeedups(threadedRows(rows, netRows));
  printThreadSpeedups(threadsTable);
  const streaming: StreamingBenchResult[] = [];
  if (!values['browser-only']) {
    try {
      streaming.push(await streamingMetrics(2, compareBackend));
    } catch (e) {
      console.log(`streaming metrics on ${compareBackend}: failed: ${errorText(e)}`);
    }
  }
  if (torch) printTorchRatios(torch, compareBackend, rows, netRows, streaming);
  // Checkpoints (run library): capture cost against the run time between two of them (wasm).
  const checkpoints: CheckpointBenchRow[] = [];
  if (!values['browser-only'] && nodeBackends.includes('wasm'))
    checkpoints.push(...(await checkpointRows(budget)));
  const overlay = benchOverlayBuild(50);
  console.log(
    `overlay figure data, ${overlay.runs} kept 30 000-step UFM runs per layer (${overlay.points} points): ${overlay.ms.toFixed(1)} ms`,
  );
  writeResults({
    rows,
    netRows,
    threads: threadsTable,
    efficiency,
    streaming,
    ui: page?.ui ?? [],
    uiSummary: page?.uiSummary ?? [],
    overlayUi: page?.overlayUi ?? null,
    firstChart,
    torch,
    checkpoints,
    overlay,
  });
}

/** The --…-only flags that run one section alone; true when one did. */
async function oneSection(values: BenchArgs, compareBackend: CompareBackend): Promise<boolean> {
  if (values['checkpoints-only']) {
    writeResults({ checkpoints: await checkpointRows(Number(values.budget)) });
  } else if (values['overlay-only']) {
    const { benchOverlayInBrowser, printOverlayRow } = await overlayUiBench();
    const overlayUi = await benchOverlayInBrowser(50);
    printOverlayRow(overlayUi);
    writeResults({ overlayUi, overlay: benchOverlayBuild(50) });
  } else if (values['threads-only']) {
    await threadRows(Number(values.budget));
  } else if (values['streaming-only']) {
    writeResults({ streaming: [await streamingMetrics(Number(values.repeats), compareBackend)] });
  } else return false;
  return true;
}

/** The PyTorch column: run first (--torch-run), so both columns come from one session, or read. */
async function torchColumn(values: BenchArgs): Promise<TorchReference | null> {
  if (values['torch-run']) {
    makeDirs('bench-results');
    return runTorchReference(values.python, 'bench-results/torch-reference.json', {
      threads: 1,
      device: values['torch-device'],
      large: values.large,
    });
  }
  return values.torch ? readTorchReference(values.torch) : null;
}

/** The page's main thread while each preset trains, and while kept runs are overlaid. */
async function pageSection(values: BenchArgs, budget: number) {
  const { UI_BENCH_PRESETS, benchUiInBrowser, printUiRow, printUiSummary, summariseUi } =
    await uiBench();
  const { benchOverlayInBrowser, printOverlayRow } = await overlayUiBench();
  console.log('page main thread while training (1440×900, wasm backend)');
  const runs = Number(values['ui-repeats']);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--ui-repeats must be a whole number ≥ 1 (got ${values['ui-repeats']})`);
  const ui: UiBenchRow[] = await benchUiInBrowser(UI_BENCH_PRESETS, 4 * budget, printUiRow, runs);
  const uiSummary: UiBenchSummary[] = summariseUi(ui);
  console.log('\neach preset over its runs');
  uiSummary.forEach(printUiSummary);
  const overlayUi: OverlayUiRow = await benchOverlayInBrowser(50);
  printOverlayRow(overlayUi);
  return { ui, uiSummary, overlayUi };
}

/** UFM and network steps per second, in Node and in the browser, and the networks' efficiency. */
async function stepSection(
  values: BenchArgs,
  budget: number,
  nodeBackends: string[],
  torch: TorchReference | null,
): Promise<{ rows: Row[]; netRows: NetRow[]; efficiency: EfficiencyRow[] }> {
  const rows: Row[] = [];
  console.log(
    'where    backend preset                  size                       steps    lab steps/s     bare         overhead   metrics read-back',
  );
  if (!values['browser-only']) rows.push(...(await nodeRows(budget, nodeBackends)));
  if (!values['node-only']) {
    const { benchInBrowser } = await browserBench();
    const browserRows = await benchInBrowser(values.backends.split(','), budget, (r) =>
      printRow({ ...r, where: 'chromium', preset: r.label }),
    );
    rows.push(...browserRows.map((r) => ({ ...r, where: 'chromium' as const, preset: r.label })));
  }
  const netRows: NetRow[] = [];
  console.log('\nnetworks (NetSession training steps, 512 random samples)');
  const efficiency: EfficiencyRow[] = [];
  if (!values['browser-only']) {
    netRows.push(...(await nodeNetRows(nodeBackends, values.large)));
    if (nodeBackends.includes('wasm')) efficiency.push(...(await efficiencyRows(torch)));
  }
  if (!values['node-only']) {
    const { benchNetsInBrowser } = await browserBench();
    const browserNets = await benchNetsInBrowser(values.backends.split(','), (r) =>
      printNetRow({ ...r, where: 'chromium' }),
    );
    netRows.push(...browserNets.map((r) => ({ ...r, where: 'chromium' as const })));
  }
  return { rows, netRows, efficiency };
}

/** Lab ÷ PyTorch for every workload both measured, on the compared Node backend. */
function printTorchRatios(
  torch: TorchReference,
  compareBackend: CompareBackend,
  rows: Row[],
  netRows: NetRow[],
  streaming: StreamingBenchResult[],
): void {
  const lab: LabFigure[] = [
    ...rows
      .filter((r) => r.where === 'node' && r.backend === compareBackend)
      .map((r) => ({
        key: r.preset,
        label: `UFM d=${r.d} M=${r.M}`,
        value: r.labStepsPerSecond,
      })),
    ...netRows
      .filter((r) => r.where === 'node' && r.backend === compareBackend)
      .map((r) => ({ key: r.id, label: r.label, value: r.stepsPerSecond })),
    ...streaming.map((r) => ({
      key: 'streaming-metrics',
      label: `streaming metrics ${r.N}×${r.d}, K=${r.K} (s a pass)`,
      value: Math.min(...r.ms) / 1000,
    })),
  ];
  printRatios(ratios(lab, torch), torch, `Node ${compareBackend}`);
}

/** The preset sizes and network cases on Chromium wasm at each thread count, with n ÷ 1 and auto. */
async function threadRows(budget: number): Promise<void> {
  const { benchInBrowser, benchNetsInBrowser } = await browserBench();
  const rows = await benchInBrowser(['wasm'], budget, (r) =>
    printRow({ ...r, where: 'chromium', preset: r.label }),
  );
  const netRows = await benchNetsInBrowser(['wasm'], (r) =>
    printNetRow({ ...r, where: 'chromium' }),
  );
  const threads = threadSpeedups(threadedRows(rows, netRows));
  printThreadSpeedups(threads);
  writeResults({ rows, netRows, threads });
}

/** A checkpoint of every preset size (Node wasm): its cost at one every 10 reports and at 'auto'. */
async function checkpointRows(budgetS: number): Promise<CheckpointBenchRow[]> {
  const info = await initBackend('wasm');
  const rows: CheckpointBenchRow[] = [];
  console.log(
    `\ncheckpoints (Node wasm): cost at one every ${FIXED_CHECKPOINT_EVERY} reports and at the 'auto' default`,
  );
  for (const id of BENCH_PRESETS) {
    // The d = 2048, M > 1 states are 100-200 MB: one capture is enough.
    const large = benchConfig(id).hidden >= 2048 && benchConfig(id).depth > 1;
    const c = await benchCheckpoint(
      benchConfig(id),
      id,
      info,
      FIXED_CHECKPOINT_EVERY,
      2500 * budgetS,
      large ? 1 : 3,
    );
    rows.push(c);
    console.log(
      `${id.padEnd(24)}${(c.bytes / 1e6).toFixed(2).padStart(8)} MB  capture ${c.captureMs.toFixed(0).padStart(6)} ms  report interval ${c.reportIntervalMs.toFixed(0).padStart(6)} ms  every ${c.every}: ${(100 * c.overhead).toFixed(2).padStart(5)} %  auto (every ${c.autoEvery}): ${(100 * c.autoOverhead).toFixed(2).padStart(5)} %`,
    );
  }
  return rows;
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function writeResults(results: Record<string, unknown>): void {
  makeDirs('bench-results');
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
  console.error(`bench: ${errorText(e)}`);
  process.exit(1);
});
