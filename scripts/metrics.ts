// NC metrics from files.
//   npm run metrics -- <file> [options]
// <file> is either a metric_vectors.json-style file ({cases: [{name, inputs}]}: one result per
// case, by name) or an N×d features .npy with --labels. Prints JSON keyed exactly as
// docs/metrics.md §6.1; bad input → a message on stderr naming the problem, exit code 1.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  computeMetricsFromArrays,
  isMetricKey,
  type ArrayMetricsInput,
  type MetricKey,
  type MetricSet,
  type MetricsResult,
} from '../src/engine/metrics/index';
import { quietCpuBackendAdvice } from '../src/engine/core/backend';
import { computeMetricsOnDevice } from '../src/engine/metrics/arraysOnDevice';
import {
  featureFilesToInput,
  readCaseFile,
  type NamedBytes,
} from '../src/engine/metrics/featureFiles';
import { oracleToArrays } from '../src/engine/metrics/oracle';

const USAGE = `usage: npm run metrics -- <file.json|features.npy> [options]
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

/** `--help` / `-h`: the usage on stdout, exit 0 (not an error). */
class HelpAsked extends Error {}

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
    if (a === '--help' || a === '-h') throw new HelpAsked(USAGE);
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

function readBytes(path: string, what: string): NamedBytes {
  try {
    return { name: path, bytes: readFileSync(path) };
  } catch (e) {
    throw new CliError(`${what}: cannot read ${path} (${(e as Error).message})`);
  }
}

function run(input: ArrayMetricsInput, opts: Options): Promise<MetricsResult> {
  if (opts.engine === 'host') return computeMetricsFromArrays(input, opts.set);
  // device path: float32 tensors on the cpu or wasm backend
  return computeMetricsOnDevice(input, opts.set, opts.batchSize);
}

function npyInput(opts: Options): ArrayMetricsInput {
  if (!opts.labels) throw new CliError('features .npy given without --labels');
  if (opts.testFeatures && !opts.testLabels)
    throw new CliError('--test-features given without --test-labels');
  const optional = (path: string | undefined, what: string) =>
    path ? readBytes(path, what) : null;
  return featureFilesToInput({
    features: readBytes(opts.file, 'features'),
    labels: readBytes(opts.labels, 'labels'),
    weights: optional(opts.weights, 'weights'),
    bias: optional(opts.bias, 'bias'),
    testFeatures: optional(opts.testFeatures, 'test features'),
    testLabels: optional(opts.testLabels, 'test labels'),
    labelsOriginal: optional(opts.labelsOriginal, 'original labels'),
    K: opts.K,
  }).input;
}

/** JSON with objects indented and arrays on one line (K×d means stay readable). */
function formatJson(v: unknown, indent = ''): string {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return JSON.stringify(v);
  const inner = indent + '  ';
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${formatJson(x, inner)}`).join(',\n')}\n${indent}}`;
}

/**
 * Classes 0…K−1 without a sample are legal (the measures skip them) but usually a wrong K or a
 * stray label: say so on stderr, beside diagnostics.emptyClasses in the output.
 */
function noteEmptyClasses(where: string, r: MetricsResult, io: CliIo): void {
  const counts = r.diagnostics.counts;
  const empty = counts.flatMap((n, c) => (n === 0 ? [c] : []));
  if (empty.length === 0) return;
  const shown = empty.length > 8 ? `${empty.slice(0, 8).join(', ')}, …` : empty.join(', ');
  io.stderr(
    `metrics: note: ${where}: ${empty.length} of K = ${counts.length} classes have no sample (${shown})\n`,
  );
}

/** Runs the CLI; returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const opts = parseArgs(argv);
    if (opts.engine !== 'host') {
      if (opts.engine === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
      if (!(await tf.setBackend(opts.engine)))
        throw new CliError(`tfjs backend ${opts.engine} is not available`);
      quietCpuBackendAdvice();
    }
    let out: unknown;
    if (opts.file.endsWith('.npy')) {
      const input = npyInput(opts);
      let result: MetricsResult;
      try {
        result = await run(input, opts);
      } catch (e) {
        throw new CliError(`${opts.file}: ${(e as Error).message}`);
      }
      noteEmptyClasses(opts.file, result, io);
      out = result;
    } else {
      const cases = readCaseFile(readBytes(opts.file, 'input'));
      const results: Record<string, MetricsResult> = {};
      for (const { name, case: c } of cases) {
        try {
          results[name] = await run(oracleToArrays(c), opts);
        } catch (e) {
          throw new CliError(`${opts.file}: case "${name}": ${(e as Error).message}`);
        }
        noteEmptyClasses(`${opts.file}: case "${name}"`, results[name], io);
      }
      out = results;
    }
    io.stdout(formatJson(out) + '\n');
    return 0;
  } catch (e) {
    if (e instanceof HelpAsked) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
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
