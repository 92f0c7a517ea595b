/**
 * What one network report costs: trains a preset's network a few steps, then times `measure`
 * (median of several reports, wall clock and process CPU time), the share after its first host
 * pass (the memorization–dilation block, then geometry and scatter), and counts its
 * metric-library passes; then times the memorization–dilation block alone, before and after it
 * was trimmed to what a report shows. The preset's twin, if any, is left out (a paired report is
 * two of these).
 *
 *   npx tsx scripts/reportCost.ts                               # md-mnist-quick on wasm
 *   npx tsx scripts/reportCost.ts --preset md-large-resnet18-mnist --reports 3 --backend cpu
 */
import { parseArgs } from 'node:util';
import { initBackend, type BackendRequest } from '../src/engine/core/backend';
import { findPreset, PRESETS } from '../src/engine/config/presets';
import { BACKEND_REQUESTS } from '../src/engine/config/schema';
import { measureMd } from '../src/engine/md/measures';
import {
  flatten,
  measureNetMd,
  toMdInput,
  type NetMdInput,
  type NetMdSplit,
} from '../src/engine/md/netMd';
import { sampleRows } from '../src/engine/nets/batches';
import { NetSession, type MeasurePass } from '../src/engine/nets/session';
import { createRng } from '../src/engine/core/rng';
import { nodeData } from './nodeSources';

const USAGE = `Time one network report of a preset and list its metric-library passes.

Usage: npx tsx scripts/reportCost.ts [--preset <id>] [--backend <b>] [--reports n] [--steps n]
  --preset <id>     a network preset (default md-mnist-quick)
  --backend <b>     ${BACKEND_REQUESTS.join(' | ')} (default wasm)
  --reports <n>     reports timed (default 5)
  --steps <n>       training steps before the first report (default 20)
`;

/** A bad flag: its message on stderr and exit code 1, not a stack trace. */
function fail(message: string): never {
  process.stderr.write(`reportCost: ${message}\n`);
  process.exit(1);
}

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(USAGE);
  process.exit(0);
}
let values: { preset: string; backend: string; reports: string; steps: string };
try {
  ({ values } = parseArgs({
    options: {
      preset: { type: 'string', default: 'md-mnist-quick' },
      backend: { type: 'string', default: 'wasm' },
      reports: { type: 'string', default: '5' },
      steps: { type: 'string', default: '20' },
    },
  }));
} catch (e) {
  fail((e as Error).message);
}
const preset = findPreset(values.preset);
if (!preset || preset.config.experiment !== 'net') {
  const nets = PRESETS.filter((p) => p.config.experiment === 'net').map((p) => p.id);
  fail(`--preset ${values.preset} is not a network preset (one of ${nets.join(', ')})`);
}
if (!(BACKEND_REQUESTS as readonly string[]).includes(values.backend))
  fail(`--backend must be one of ${BACKEND_REQUESTS.join(', ')}, got "${values.backend}"`);
const reports = Number(values.reports);
const steps = Number(values.steps);
if (!(Number.isInteger(reports) && reports >= 1))
  fail(`--reports needs a whole number ≥ 1, got "${values.reports}"`);
if (!(Number.isInteger(steps) && steps >= 1))
  fail(`--steps needs a whole number ≥ 1, got "${values.steps}"`);

const backend = await initBackend(values.backend as BackendRequest);
const config = { ...preset.config, pairWith: 'none' as const };
const data = await nodeData([])(config);
const passes: MeasurePass[] = [];
/** Wall-clock and process CPU time (all threads) in ms: CPU time is steadier on a shared machine. */
const clock = () => {
  const u = process.cpuUsage();
  return { wall: performance.now(), cpu: (u.user + u.system) / 1000 };
};
let firstHost: { wall: number; cpu: number } | null = null;
const session = new NetSession(config, data, {
  mseScale: config.mseHalf ? 0.5 : 1,
  onMeasurePass: (p) => {
    passes.push(p);
    if (p.where === 'host') firstHost ??= clock();
  },
});
const featureDim = session.model.featureDim;
await session.train(steps);
await session.measure('core'); // warm-up: first packings and allocations
passes.length = 0;
const report = { wall: [] as number[], cpu: [] as number[] };
const host = { wall: [] as number[], cpu: [] as number[] };
for (let r = 0; r < reports; r++) {
  firstHost = null;
  const start = clock();
  await session.measure('core');
  const end = clock();
  report.wall.push(end.wall - start.wall);
  report.cpu.push(end.cpu - start.cpu);
  const from: { wall: number; cpu: number } = firstHost ?? end;
  host.wall.push(end.wall - from.wall);
  host.cpu.push(end.cpu - from.cpu);
}
session.dispose();
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const show = (what: string, t: { wall: number[]; cpu: number[] }) =>
  console.log(
    `${what}: median ${median(t.wall).toFixed(0)} ms wall, ${median(t.cpu).toFixed(0)} ms CPU ` +
      `(CPU: ${t.cpu.map((x) => x.toFixed(0)).join(', ')})`,
  );
console.log(
  `${preset.id} on ${backend.backend}: train ${data.train.n}, val ${data.val.n}, test ${data.test.n} ` +
    `(measureSamples ${config.measureSamples}), ${reports} reports`,
);
show('report', report);
show('  from the first host pass on', host);
const perReport = passes.filter((_, i) => i < passes.length / reports);
console.log('library passes per report:');
for (const p of perReport) console.log(`  ${p.where}: ${p.splits.join(' + ')} (${p.rows} rows)`);

// The memorization–dilation block alone, A/B in this process: what a report computed before this
// block was trimmed (flatten of the full measureMd) against what it computes now (measureNetMd),
// on the report's shape (measured rows, labels with their noise) with random features.
const dim = featureDim;
const rng = createRng('reportCost');
const mdSplit = (name: 'train' | 'val' | 'test'): NetMdSplit | null => {
  const rows = sampleRows(
    data[name].labels,
    config.measureSamples,
    `${config.seed}/measure/${name}`,
  );
  if (rows.length === 0) return null;
  return {
    features: Float32Array.from({ length: rows.length * dim }, () => rng.normal(0, 1)),
    labels: Int32Array.from(rows, (r) => data[name].labels[r]),
    originalLabels: Int32Array.from(rows, (r) => data[name].originalLabels[r]),
  };
};
const mdInput: NetMdInput = {
  K: data.K,
  dim,
  train: mdSplit('train') as NetMdSplit,
  val: mdSplit('val'),
  test: mdSplit('test'),
  W: Array.from({ length: data.K }, () => Array.from({ length: dim }, () => rng.normal(0, 1))),
  b: config.bias ? Array.from({ length: data.K }, () => rng.normal(0, 1)) : null,
  latentOf: config.fourClass ? data.K / 2 : undefined,
};
const full = { wall: [] as number[], cpu: [] as number[] };
const lean = { wall: [] as number[], cpu: [] as number[] };
let same = true;
for (let r = 0; r < reports; r++) {
  let start = clock();
  const before = flatten(await measureMd(toMdInput(mdInput)));
  let end = clock();
  full.wall.push(end.wall - start.wall);
  full.cpu.push(end.cpu - start.cpu);
  start = clock();
  const now = await measureNetMd(mdInput);
  end = clock();
  lean.wall.push(end.wall - start.wall);
  lean.cpu.push(end.cpu - start.cpu);
  same &&= JSON.stringify(before) === JSON.stringify(now);
}
console.log(
  `memorization–dilation block alone (${mdInput.train.labels.length + (mdInput.val?.labels.length ?? 0)} × ${dim} training rows):`,
);
show('  full measureMd, flattened (before)', full);
show('  measureNetMd (now)', lean);
console.log(`  same keys and values: ${same ? 'yes' : 'NO'}`);
