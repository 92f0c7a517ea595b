// NC metrics from files.
//   npx tsx scripts/metrics.ts <file> [options]
// <file> is either a metric_vectors.json-style file ({cases: [{name, inputs}]}: one result per
// case, by name) or an N×d features .npy with --labels. Prints JSON keyed exactly as
// reference/nc-metrics.md; bad input → a message on stderr naming the problem, exit code 1.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  computeMetrics,
  computeMetricsFromArrays,
  isMetricKey,
  type ArrayMetricsInput,
  type MetricKey,
  type MetricSet,
  type MetricsResult,
} from '../src/engine/metrics/index';
import { readNpy, type NpyArray } from '../src/engine/metrics/npy';
import { isOracleFile, oracleToArrays } from '../src/engine/metrics/oracle';
import { rowSource } from '../src/engine/metrics/hostmatrix';

const USAGE = `usage: npx tsx scripts/metrics.ts <file.json|features.npy> [options]
  <file.json>            metric_vectors.json format: {"cases": [{"name", "inputs": {K, H, y, W, b, ...}}]}
  <features.npy>         N×d features, needs --labels
  --labels <f>           labels: .npy (integers) or .json array
  --weights <f>          classifier W (K×d .npy or .json)
  --bias <f>             bias b (.npy or .json, length K)
  --test-features <f>    test features (.npy or .json), with --test-labels <f>
  --labels-original <f>  original labels (label-noise measures)
  --K <n>                number of classes (default: W rows, else max label + 1)
  --set <s>              cheap | core | full (default) | comma-separated metric keys
  --engine <e>           cpu (default, tfjs float32 streaming) | wasm | host (float64 reference)
  --batch-size <n>       streaming batch size for cpu/wasm (default 4096)`;

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

class CliError extends Error {}

interface Options {
  file: string;
  labels?: string;
  weights?: string;
  bias?: string;
  testFeatures?: string;
  testLabels?: string;
  labelsOriginal?: string;
  K?: number;
  set: MetricSet;
  engine: 'cpu' | 'wasm' | 'host';
  batchSize?: number;
}

const FLAGS: Record<string, keyof Options> = {
  '--labels': 'labels',
  '--weights': 'weights',
  '--bias': 'bias',
  '--test-features': 'testFeatures',
  '--test-labels': 'testLabels',
  '--labels-original': 'labelsOriginal',
  '--K': 'K',
  '--set': 'set',
  '--engine': 'engine',
  '--batch-size': 'batchSize',
};

function parseSet(s: string): MetricSet {
  if (s === 'cheap' || s === 'core' || s === 'full') return s;
  const keys = s.split(',').map((k) => k.trim());
  const bad = keys.filter((k) => !isMetricKey(k));
  if (bad.length > 0) throw new CliError(`--set: unknown metric key(s) ${bad.join(', ')}`);
  return keys as MetricKey[];
}

function parseArgs(argv: string[]): Options {
  const opts: Partial<Options> & { set: MetricSet; engine: Options['engine'] } = {
    set: 'full',
    engine: 'cpu',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') throw new CliError(USAGE);
    const key = FLAGS[a];
    if (key) {
      const v = argv[++i];
      if (v === undefined) throw new CliError(`${a} needs a value`);
      if (key === 'set') opts.set = parseSet(v);
      else if (key === 'engine') {
        if (v !== 'cpu' && v !== 'wasm' && v !== 'host')
          throw new CliError(`--engine must be cpu, wasm or host, got ${v}`);
        opts.engine = v;
      } else if (key === 'K' || key === 'batchSize') {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1)
          throw new CliError(`${a} must be a positive integer, got ${v}`);
        opts[key] = n;
      } else opts[key] = v;
    } else if (a.startsWith('--')) throw new CliError(`unknown option ${a}\n${USAGE}`);
    else if (opts.file === undefined) opts.file = a;
    else throw new CliError(`unexpected argument ${a}`);
  }
  if (opts.file === undefined) throw new CliError(`missing input file\n${USAGE}`);
  return opts as Options;
}

function readBytes(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new CliError(`${what}: cannot read ${path} (${(e as Error).message})`);
  }
}

/** .npy or .json numeric array → {shape, data} */
function readArray(path: string, what: string): NpyArray {
  const bytes = readBytes(path, what);
  if (path.endsWith('.npy')) {
    try {
      return readNpy(bytes);
    } catch (e) {
      throw new CliError(`${what} (${path}): ${(e as Error).message}`);
    }
  }
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new CliError(`${what} (${path}): not valid JSON (${(e as Error).message})`);
  }
  const isNumArray = (x: unknown): x is number[] =>
    Array.isArray(x) && x.every((y) => typeof y === 'number');
  if (isNumArray(v)) return { shape: [v.length], dtype: 'f8', data: Float64Array.from(v) };
  if (Array.isArray(v) && v.length > 0 && v.every(isNumArray)) {
    const rows = v as number[][];
    const cols = rows[0].length;
    if (rows.some((r) => r.length !== cols))
      throw new CliError(`${what} (${path}): rows have different lengths`);
    return { shape: [rows.length, cols], dtype: 'f8', data: Float64Array.from(rows.flat()) };
  }
  throw new CliError(
    `${what} (${path}): expected a JSON array of numbers or of equal-length number rows`,
  );
}

function matrix(a: NpyArray, what: string) {
  if (a.shape.length !== 2)
    throw new CliError(`${what}: expected a 2-D array, got shape (${a.shape.join(', ')})`);
  return { rows: a.shape[0], cols: a.shape[1], data: a.data };
}

function vector(a: NpyArray, what: string, integer = false): Float64Array {
  if (a.shape.length !== 1 && !(a.shape.length === 2 && a.shape[1] === 1)) {
    throw new CliError(`${what}: expected a 1-D array, got shape (${a.shape.join(', ')})`);
  }
  if (integer) {
    const bad = a.data.findIndex((v) => !Number.isInteger(v));
    if (bad >= 0)
      throw new CliError(`${what}: entry ${bad} = ${a.data[bad]} is not an integer label`);
  }
  return a.data;
}

async function run(input: ArrayMetricsInput, opts: Options): Promise<MetricsResult> {
  if (opts.engine === 'host') return computeMetricsFromArrays(input, opts.set);
  // device path: float32 tensors on the cpu or wasm backend
  const flat = (m: NonNullable<ArrayMetricsInput['features']>, what: string) => {
    const s = rowSource(m, what);
    const buf = new Float32Array(s.rows * s.cols);
    for (let i = 0; i < s.rows; i++) buf.set(s.row(i), i * s.cols);
    return tf.tensor2d(buf, [s.rows, s.cols]);
  };
  const owned: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => {
    owned.push(t);
    return t;
  };
  try {
    return await computeMetrics(
      {
        K: input.K,
        features: keep(flat(input.features, 'features')),
        labels: Int32Array.from(input.labels),
        W: input.W ? keep(flat(input.W, 'W')) : null,
        b: input.b ? Array.from(input.b) : null,
        testFeatures: input.testFeatures ? keep(flat(input.testFeatures, 'testFeatures')) : null,
        testLabels: input.testLabels ? Int32Array.from(input.testLabels) : null,
        labelsOriginal: input.labelsOriginal ? Int32Array.from(input.labelsOriginal) : null,
        oodGlobalMean: input.oodGlobalMean ? Array.from(input.oodGlobalMean) : null,
        layers: input.layers ? input.layers.map((L, l) => keep(flat(L, `layers[${l}]`))) : null,
        gof: input.gof ?? null,
        batchSize: opts.batchSize,
      },
      opts.set,
    );
  } finally {
    owned.forEach((t) => t.dispose());
  }
}

function npyInput(opts: Options): ArrayMetricsInput {
  const features = matrix(readArray(opts.file, 'features'), 'features');
  if (!opts.labels) throw new CliError('features .npy given without --labels');
  const labels = vector(readArray(opts.labels, 'labels'), 'labels', true);
  if (labels.length !== features.rows) {
    throw new CliError(`labels has ${labels.length} entries, features has ${features.rows} rows`);
  }
  const W = opts.weights ? matrix(readArray(opts.weights, 'weights'), 'weights') : null;
  if (W && W.cols !== features.cols)
    throw new CliError(`weights has ${W.cols} columns, features has ${features.cols}`);
  const maxLabel = labels.reduce((a, v) => Math.max(a, v), 0);
  const K = opts.K ?? (W ? W.rows : maxLabel + 1);
  const test = opts.testFeatures
    ? matrix(readArray(opts.testFeatures, 'test features'), 'test features')
    : null;
  if (test && !opts.testLabels) throw new CliError('--test-features given without --test-labels');
  return {
    K,
    features,
    labels,
    W,
    b: opts.bias ? vector(readArray(opts.bias, 'bias'), 'bias') : null,
    testFeatures: test,
    testLabels: opts.testLabels
      ? vector(readArray(opts.testLabels, 'test labels'), 'test labels', true)
      : null,
    labelsOriginal: opts.labelsOriginal
      ? vector(readArray(opts.labelsOriginal, 'original labels'), 'original labels', true)
      : null,
  };
}

/** JSON with objects indented and arrays on one line (K×d means stay readable). */
function formatJson(v: unknown, indent = ''): string {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return JSON.stringify(v);
  const inner = indent + '  ';
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${formatJson(x, inner)}`).join(',\n')}\n${indent}}`;
}

/** Runs the CLI; returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const opts = parseArgs(argv);
    if (opts.engine !== 'host') {
      if (opts.engine === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
      if (!(await tf.setBackend(opts.engine)))
        throw new CliError(`tfjs backend ${opts.engine} is not available`);
    }
    let out: unknown;
    if (opts.file.endsWith('.npy')) {
      out = await run(npyInput(opts), opts);
    } else {
      let doc: unknown;
      try {
        doc = JSON.parse(new TextDecoder().decode(readBytes(opts.file, 'input')));
      } catch (e) {
        if (e instanceof CliError) throw e;
        throw new CliError(`${opts.file}: not valid JSON (${(e as Error).message})`);
      }
      if (!isOracleFile(doc)) {
        throw new CliError(
          `${opts.file}: expected {"cases": [...]} (metric_vectors.json format) or a .npy features file`,
        );
      }
      const results: Record<string, MetricsResult> = {};
      for (const [i, c] of doc.cases.entries()) {
        const name = typeof c.name === 'string' ? c.name : `case_${i}`;
        try {
          results[name] = await run(oracleToArrays(c), opts);
        } catch (e) {
          throw new CliError(`case "${name}": ${(e as Error).message}`);
        }
      }
      out = results;
    }
    io.stdout(formatJson(out) + '\n');
    return 0;
  } catch (e) {
    io.stderr(`metrics: ${(e as Error).message}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const code = await runCli(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
  });
  process.exitCode = code;
}
