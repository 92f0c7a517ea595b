/**
 * What one network report costs: trains a preset's network a few steps, then times `measure`
 * (median of several reports), the share after its first host pass (the memorization–dilation
 * block, then geometry and scatter), and counts its metric-library passes. The preset's twin, if
 * any, is left out (a paired report is two of these).
 *
 *   npx tsx scripts/reportCost.ts                               # md-mnist-quick on wasm
 *   npx tsx scripts/reportCost.ts --preset md-large-resnet18-mnist --reports 3 --backend cpu
 */
import { parseArgs } from 'node:util';
import { initBackend, type BackendRequest } from '../src/engine/backend';
import { findPreset } from '../src/engine/config/presets';
import { NetSession, type MeasurePass } from '../src/engine/nets/session';
import { nodeData } from './nodeSources';

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'md-mnist-quick' },
    backend: { type: 'string', default: 'wasm' },
    reports: { type: 'string', default: '5' },
    steps: { type: 'string', default: '20' },
  },
});
const preset = findPreset(values.preset);
if (!preset || preset.config.experiment !== 'net')
  throw new Error(`--preset ${values.preset} is not a network preset`);
const reports = Number(values.reports);
const steps = Number(values.steps);
if (!(Number.isInteger(reports) && reports >= 1))
  throw new Error(`--reports needs a whole number ≥ 1, got "${values.reports}"`);
if (!(Number.isInteger(steps) && steps >= 1))
  throw new Error(`--steps needs a whole number ≥ 1, got "${values.steps}"`);

const backend = await initBackend(values.backend as BackendRequest);
const config = { ...preset.config, pairWith: 'none' as const };
const data = await nodeData([])(config);
const passes: MeasurePass[] = [];
let firstHostAt: number | null = null;
const session = new NetSession(config, data, {
  mseScale: config.mseHalf ? 0.5 : 1,
  onMeasurePass: (p) => {
    passes.push(p);
    if (p.where === 'host') firstHostAt ??= performance.now();
  },
});
await session.train(steps);
await session.measure('core'); // warm-up: first packings and allocations
passes.length = 0;
const ms: number[] = [];
const hostMs: number[] = [];
for (let r = 0; r < reports; r++) {
  firstHostAt = null;
  const start = performance.now();
  await session.measure('core');
  const end = performance.now();
  ms.push(end - start);
  hostMs.push(firstHostAt === null ? 0 : end - firstHostAt);
}
session.dispose();
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const list = (v: number[]) => v.map((x) => x.toFixed(0)).join(', ');
console.log(
  `${preset.id} on ${backend.backend}: train ${data.train.n}, val ${data.val.n}, test ${data.test.n} ` +
    `(measureSamples ${config.measureSamples}), ${reports} reports`,
);
console.log(`report ms: median ${median(ms).toFixed(0)} (${list(ms)})`);
console.log(`  from the first host pass on: median ${median(hostMs).toFixed(0)} (${list(hostMs)})`);
const perReport = passes.filter((_, i) => i < passes.length / reports);
console.log('library passes per report:');
for (const p of perReport) console.log(`  ${p.where}: ${p.splits.join(' + ')} (${p.rows} rows)`);
