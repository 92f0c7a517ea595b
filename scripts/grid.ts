/**
 * Run a grid of experiments in Node, one member after another (the same runner as the browser).
 *
 *   npm run grid -- --spec grid.json | --figure <id> [--full] [--out DIR] [--shard i/n]
 *                   [--resume] [--checkpoint-every k] [--dry-run] [--estimate]
 *                   [--backend auto|webgpu|wasm|cpu] [--data <file> …] [--quiet]
 *   npm run grid -- merge DIR
 *   npm run grid -- slurm --spec grid.json --shards n [--out DIR] [--submit] [Slurm flags]
 *
 * --figure runs a figure preset's browser-sized grid (--full: its full-size one). With --out,
 * DIR/grid.json holds the spec, DIR/members/NNNN.json one member's RunResult each, and
 * DIR/summary.json (or summary-shard-i-of-n.json) a row per member; without it the summary is
 * printed. --shard i/n runs members i, i+n, i+2n, … (0 ≤ i < n) so n processes (a Slurm job
 * array) share a grid; --resume skips members whose files are already in DIR and continues a
 * member caught mid-run from DIR/partial/NNNN.json (its latest checkpoint and history, written
 * every --checkpoint-every reports). --estimate prints the member count and the time it will take
 * from a short calibration of each kind of member on this backend, without running the grid. `merge DIR` checks
 * that every member is there exactly once and writes DIR/merged.json. `slurm` writes a job array
 * of n shard tasks and the merge as a dependent job (scripts/slurm/submit.ts).
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { helpRequest, printHelpIfAsked } from './cliHelp';
import { nodeData, readJson } from './nodeSources';
import { initBackend, unmetBackendRequest, type BackendRequest } from '../src/engine/core/backend';
import { BACKEND_REQUESTS } from '../src/engine/config/schema';
import { summaryRow } from '../src/engine/grid/figure';
import { FIGURE_PRESETS, findFigurePreset } from '../src/engine/grid/figures';
import { calibrateGrid, estimateGrid, estimateText } from '../src/engine/grid/estimate';
import {
  runGrid,
  type GridMemberResult,
  type GridProgress,
  type InterruptedMember,
} from '../src/engine/grid/runner';
import { parseCheckpoint } from '../src/engine/session/checkpoint';
import { mergeMembers, parseShard, shardMembers, type Shard } from '../src/engine/grid/shard';
import {
  DEFAULT_GRID_CHECKPOINT_EVERY,
  expandGrid,
  type ExpandedGrid,
  type GridMember,
  type GridSpec,
} from '../src/engine/grid/spec';
import { claimMembers, liveClaims } from './gridDirClaim';
import { gridSlurm, SLURM_USAGE } from './slurm/submit';
import { makeDirs, writeAtomically } from './makeDirs';

const memberFile = (dir: string, index: number) =>
  join(dir, 'members', `${String(index).padStart(4, '0')}.json`);

/** A member caught mid-run: its latest checkpoint and history (removed once it finishes). */
const partialFile = (dir: string, index: number) =>
  join(dir, 'partial', `${String(index).padStart(4, '0')}.json`);

/** The partial files of these members, checked as checkpoints (a damaged one is named). */
function readPartials(dir: string, members: readonly GridMember[]): InterruptedMember[] {
  return members.flatMap((m) => {
    const path = partialFile(dir, m.index);
    if (!existsSync(path)) return [];
    const raw = readJson(path, 'partial member file') as Partial<InterruptedMember> | null;
    if (!raw || raw.id !== m.id || !Array.isArray(raw.history))
      throw new Error(
        `partial member file "${path}" is not member ${m.index} (${m.id}) of this grid`,
      );
    try {
      return [{ id: m.id, checkpoint: parseCheckpoint(raw.checkpoint), history: raw.history }];
    } catch (error) {
      throw new Error(`partial member file "${path}": ${(error as Error).message}`, {
        cause: error,
      });
    }
  });
}

/** The grid a directory belongs to: written by the first shard, the same for every other. */
function claimDir(dir: string, grid: ExpandedGrid): void {
  makeDirs(join(dir, 'members'));
  const path = join(dir, 'grid.json');
  const text = JSON.stringify({ name: grid.name, spec: grid.spec }, null, 1);
  if (!existsSync(path)) writeFileSync(path, text);
  else if (readFileSync(path, 'utf8') !== text)
    throw new Error(`${dir} holds the results of another grid (its grid.json differs)`);
}

/** Member files in DIR, each checked against the grid (a file of another grid is an error). */
function readMembers(dir: string): GridMemberResult[] {
  const folder = join(dir, 'members');
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const r = readJson(join(folder, f), 'member file') as Partial<GridMemberResult> | null;
      if (!r || typeof r.id !== 'string' || !Number.isInteger(r.index) || !r.result)
        throw new Error(`member file "${join(folder, f)}" is not a grid member's result`);
      return r as GridMemberResult;
    });
}

function gridOfDir(dir: string): ExpandedGrid {
  const saved = readJson(join(dir, 'grid.json'), 'grid file') as { spec?: GridSpec };
  return expandGrid(saved.spec);
}

const secs = (ms: number | null) => (ms === null ? '?' : `${Math.round(ms / 1000)} s`);

function progressPrinter(): (p: GridProgress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (p.current && now - last < 1000) return;
    last = now;
    const where = p.current
      ? ` ${p.current.id} step ${p.current.step}/${p.current.totalSteps}`
      : '';
    process.stderr.write(
      `[${p.done}/${p.total}]${where} · elapsed ${secs(p.elapsedMs)} · time left ~${secs(p.timeLeftMs)}\n`,
    );
  };
}

/** The spec file, or a figure preset's grid (naming the presets when the id is unknown). */
function specOf(values: { spec?: string; figure?: string; full: boolean }): unknown {
  if (values.spec && values.figure) throw new Error('give --spec or --figure, not both');
  if (values.figure) {
    const f = findFigurePreset(values.figure);
    if (!f)
      throw new Error(
        `unknown figure preset "${values.figure}" (one of ${FIGURE_PRESETS.map((p) => p.id).join(', ')})`,
      );
    return values.full ? f.full : f.browser;
  }
  if (!values.spec) throw new Error('missing --spec <grid.json> (or --figure <id>)');
  return readJson(values.spec, 'grid spec');
}

/** Flags that mean something only beside another: refused, not silently ignored. */
function refuseLoneFlags(values: {
  figure?: string;
  full: boolean;
  out?: string;
  resume: boolean;
  'checkpoint-every'?: string;
}): void {
  if (values.full && !values.figure)
    throw new Error('--full takes --figure <id> (its full-size grid)');
  if (values.resume && !values.out)
    throw new Error('--resume takes --out <DIR> (the folder whose finished members it skips)');
  if (values['checkpoint-every'] !== undefined && !values.out)
    throw new Error('--checkpoint-every takes --out <DIR> (where the checkpoints go)');
}

async function run(values: {
  spec?: string;
  figure?: string;
  full: boolean;
  out?: string;
  shard?: string;
  resume: boolean;
  'checkpoint-every'?: string;
  'dry-run': boolean;
  estimate: boolean;
  backend?: string;
  data?: string[];
  quiet: boolean;
}): Promise<void> {
  refuseLoneFlags(values);
  const grid = expandGrid(specOf(values));
  const shard: Shard | null = values.shard ? parseShard(values.shard) : null;
  const members = shard ? shardMembers(grid, shard) : grid.members;
  const share = shard ? ` (shard ${shard.index}/${shard.count}: ${members.length} of them)` : '';
  process.stderr.write(`grid "${grid.name}": ${grid.members.length} members${share}\n`);
  if (values['dry-run']) {
    process.stdout.write(members.map((m) => `${m.index}\t${m.id}`).join('\n') + '\n');
    if (!values.estimate) return;
  }
  const request = (values.backend ?? 'auto') as BackendRequest;
  if (!(BACKEND_REQUESTS as readonly string[]).includes(request))
    throw new Error(`--backend must be one of ${BACKEND_REQUESTS.join(', ')}`);
  const every = Number(
    values['checkpoint-every'] ?? grid.spec.checkpointEvery ?? DEFAULT_GRID_CHECKPOINT_EVERY,
  );
  if (!Number.isInteger(every) || every < 0)
    throw new Error(
      `--checkpoint-every must be a whole number of reports ≥ 0, got "${values['checkpoint-every']}"`,
    );
  if (values.estimate) {
    const backend = await initBackend(request);
    const unmet = unmetBackendRequest(backend);
    if (unmet) throw new Error(unmet);
    const mine = { ...grid, members };
    const speeds = await calibrateGrid(mine, backend, { loadData: nodeData(values.data ?? []) });
    const how = `from a calibration on ${backend.backend} (${[...speeds.values()].map((s) => s.source).join('; ')})`;
    process.stdout.write(estimateText(estimateGrid(mine, speeds, how)) + '\n');
    return;
  }
  const dir = values.out;
  let release = (): void => {};
  try {
    let done: DoneInDir = { completed: [], interrupted: [] };
    if (dir) {
      claimDir(dir, grid);
      // before reading what is done: another process may be writing these members right now
      release = claimMembers(
        dir,
        members.map((m) => m.index),
      );
      done = readDone(dir, members, values.resume);
    }
    await runAndWrite({ ...values, request }, grid, members, shard, dir, { ...done, every });
  } finally {
    release();
  }
}

interface DoneInDir {
  completed: GridMemberResult[];
  interrupted: InterruptedMember[];
}

/** The members DIR already holds (refused without --resume) and, with it, those caught mid-run. */
function readDone(dir: string, members: GridMember[], resume: boolean): DoneInDir {
  const mine = new Set(members.map((m) => m.id));
  const found = readMembers(dir).filter((r) => mine.has(r.id));
  if (found.length && !resume)
    throw new Error(
      `${dir} already holds ${found.length} of these members: pass --resume to keep them, or choose another --out`,
    );
  if (found.length) process.stderr.write(`resuming: ${found.length} members already done\n`);
  makeDirs(join(dir, 'partial'));
  if (!resume) return { completed: found, interrupted: [] };
  const finished = new Set(found.map((m) => m.id));
  const interrupted = readPartials(
    dir,
    members.filter((m) => !finished.has(m.id)),
  );
  for (const i of interrupted)
    process.stderr.write(`resuming ${i.id} from its checkpoint at step ${i.checkpoint.step}\n`);
  return { completed: found, interrupted };
}

/** Run the members (after any in DIR) and write or print the summary. */
async function runAndWrite(
  values: { request: BackendRequest; data?: string[]; quiet: boolean },
  grid: ExpandedGrid,
  members: GridMember[],
  shard: Shard | null,
  dir: string | undefined,
  from: { completed: GridMemberResult[]; interrupted: InterruptedMember[]; every: number },
): Promise<void> {
  const { completed, interrupted, every } = from;
  const backend = await initBackend(values.request);
  const unmet = unmetBackendRequest(backend);
  if (unmet) throw new Error(unmet);
  const result = await runGrid(grid, backend, {
    only: members,
    completed,
    loadData: nodeData(values.data ?? []),
    onProgress: values.quiet ? undefined : progressPrinter(),
    interrupted,
    checkpointEvery: dir ? every : 0,
    onMemberCheckpoint: (state) => {
      const index = grid.members.find((m) => m.id === state.id)?.index;
      if (dir && index !== undefined)
        writeAtomically(partialFile(dir, index), JSON.stringify(state));
    },
    onMemberDone: (m) => {
      if (!dir) return;
      writeAtomically(memberFile(dir, m.index), JSON.stringify(m));
      rmSync(partialFile(dir, m.index), { force: true });
    },
  });
  const summary = {
    name: grid.name,
    status: result.status,
    shard,
    total: result.total,
    rows: result.members.map(summaryRow),
  };
  const text = JSON.stringify(summary, null, 1);
  if (dir) {
    const name = shard ? `summary-shard-${shard.index}-of-${shard.count}.json` : 'summary.json';
    writeFileSync(join(dir, name), text);
    process.stderr.write(`wrote ${result.members.length} members and ${name} to ${dir}\n`);
  } else process.stdout.write(text + '\n');
  const bad = result.members.filter((m) => m.result.status !== 'completed');
  if (bad.length) {
    process.stderr.write(
      `${bad.length} member(s) did not complete: ${bad.map((m) => m.id).join('; ')}\n`,
    );
    process.exitCode = 2;
  }
}

function merge(dir: string | undefined): void {
  if (!dir) throw new Error('merge needs the directory: npm run grid -- merge DIR');
  const grid = gridOfDir(dir);
  let members: GridMemberResult[];
  try {
    members = mergeMembers(grid, readMembers(dir));
  } catch (error) {
    throw withRunningNote(error, dir);
  }
  const merged = {
    kind: 'nc-lab-grid',
    name: grid.name,
    spec: grid.spec,
    members,
    summary: members.map(summaryRow),
  };
  writeFileSync(join(dir, 'merged.json'), JSON.stringify(merged));
  process.stderr.write(`merged ${members.length} members into ${join(dir, 'merged.json')}\n`);
}

/** A refused merge, with the processes still writing into DIR (members missing because of them). */
function withRunningNote(error: unknown, dir: string): unknown {
  const live = liveClaims(dir);
  if (!(error instanceof Error) || !live.length) return error;
  const who = live
    .map((c) => `process ${c.pid} on ${c.host} (${c.members.length} members, since ${c.started})`)
    .join('; ');
  const ended = live.length > 1 ? 'they have ended' : 'it has ended';
  return new Error(`${error.message}. Still running in ${dir}: ${who}; merge once ${ended}`);
}

const USAGE = `
Run a grid of experiments in Node, one member after another.

Usage: npm run grid -- --spec grid.json | --figure <id> [flags]
       npm run grid -- merge DIR
       npm run grid -- slurm --spec grid.json --shards n [--out DIR] [--submit] [Slurm flags]

Flags:
  --spec <grid.json>      the grid spec
  --figure <id>           a figure preset's browser-sized grid
  --full                  with --figure: its full-size grid
  --out <DIR>             write the spec, one file per member and the summary there
  --shard <i/n>           run members i, i+n, i+2n, … (for a Slurm job array)
  --resume                skip members whose files are already in DIR; continue a member
                          caught mid-run from its checkpoint (DIR/partial/NNNN.json)
  --checkpoint-every <k>  with --out: a running member's checkpoint every k reports (default:
                          the spec's checkpointEvery, else 10; 0: none)
  --dry-run               print the members (index, id) without running them
  --estimate              print the member count and the estimated time (a short calibration
                          of each kind of member on this backend) without running the grid
  --backend <${BACKEND_REQUESTS.join('|')}>
  --data <file>           a dataset file (CIFAR-10/100, SVHN), repeatable
  --quiet                 no progress lines on stderr
  --help, -h              this text; --help fields (or --fields) lists the config fields

slurm (the job array and its merge): npm run grid -- slurm --help lists its flags (--shards,
--submit, --partition, --time, --gres, --cpus-per-task, --mem, --account, --sbatch=<option>).
`;

async function main(): Promise<void> {
  // `slurm` has flags of its own (scripts/slurm/submit.ts).
  if (process.argv[2] === 'slurm') {
    if (helpRequest(process.argv.slice(3)) !== null) {
      process.stdout.write(SLURM_USAGE.trimStart());
      return;
    }
    const submitted = gridSlurm(process.argv.slice(3));
    process.stdout.write(JSON.stringify(submitted) + '\n');
    return;
  }
  if (printHelpIfAsked(process.argv.slice(2), USAGE)) return;
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      spec: { type: 'string' },
      figure: { type: 'string' },
      full: { type: 'boolean', default: false },
      out: { type: 'string' },
      shard: { type: 'string' },
      resume: { type: 'boolean', default: false },
      'checkpoint-every': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      estimate: { type: 'boolean', default: false },
      backend: { type: 'string' },
      data: { type: 'string', multiple: true },
      quiet: { type: 'boolean', default: false },
    },
  });
  if (positionals[0] === 'merge') return merge(positionals[1]);
  if (positionals.length) {
    // a spec given without its flag: say which flag takes it
    const hint = positionals[0].endsWith('.json') ? `; a spec file goes after --spec` : '';
    throw new Error(`unknown command "${positionals[0]}" (commands: merge, slurm)${hint}`);
  }
  await run(values);
}

main().catch((error: unknown) => {
  process.stderr.write(`grid: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
