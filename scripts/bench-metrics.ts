// Times streaming NC metrics on 200 000 × 512 features (the size); not part of the tests.
//   npx tsx scripts/bench-metrics.ts [--backend wasm|cpu] [--N n] [--d n] [--K n] [--batch n] [--set core|cheap|full] [--repeats n]
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { benchStreamingMetrics } from '../src/engine/metrics/bench';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const num = (name: string): number | undefined =>
  arg(name) === undefined ? undefined : Number(arg(name));
const backend = arg('backend') ?? 'wasm';
if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} unavailable`);
await tf.ready();
const set = arg('set');
const res = await benchStreamingMetrics({
  N: num('N'),
  d: num('d'),
  K: num('K'),
  batchSize: num('batch'),
  set: set === 'cheap' || set === 'core' || set === 'full' ? set : undefined,
  repeats: num('repeats'),
});
console.log(JSON.stringify(res, null, 2));
