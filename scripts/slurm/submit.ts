/**
 * `npm run grid -- slurm --spec grid.json --shards n [--out DIR] [--gres gpu:1] [--time 04:00:00]
 *  [--partition p] [--cpus-per-task c] [--mem 16G] [--account a] [--sbatch=--qos=short …]
 *  [--backend webgpu] [--data file …] [--submit]`
 *
 * Writes DIR/slurm/{shards,merge}.sbatch and submit.sh (see jobScripts.ts); with --submit runs
 * them through `sbatch` and prints the job ids. The grid is expanded first, so a bad spec is
 * refused here, not in n jobs on the cluster.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BACKEND_REQUESTS } from '../../src/engine/config/schema';
import { expandGrid } from '../../src/engine/grid/spec';
import { slurmScripts } from './jobScripts';
import { makeDirs } from '../makeDirs';
import { readJson } from '../nodeSources';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface Submitted {
  outDir: string;
  members: number;
  /** Job ids of the array and the merge, when submitted. */
  jobs: { array: string; merge: string } | null;
}

export const SLURM_USAGE = `
Write (and with --submit, submit) a Slurm job array that runs a grid in shards, and its merge.

Usage: npm run grid -- slurm --spec grid.json --shards n [--out DIR] [--submit] [Slurm flags]

Flags:
  --spec <grid.json>      the grid spec (the jobs read a frozen copy, DIR/slurm/spec.json)
  --shards <n>            array tasks; task i runs members i, i+n, i+2n, … with --resume
  --out <DIR>             where the scripts, members and merged.json go (default:
                          ./grid-<the grid's name, with characters other than letters, digits,
                          . and - as _>)
  --submit                submit the array and the merge (afterok) with sbatch; print the ids
  --backend <${BACKEND_REQUESTS.join('|')}>  the members' backend (default auto)
  --data <file>           a dataset file (CIFAR-10/100, SVHN), repeatable
Slurm flags (#SBATCH lines):
  --partition <p>  --time <hh:mm:ss>  --gres <gpu:1>  --cpus-per-task <c>  --mem <16G>
  --account <a>    --sbatch=<option>  (repeatable, e.g. --sbatch=--qos=short)
  --help, -h              this text
`;

/** A grid's name as a file or job name: letters, digits, `.`, `-` and `_` only. */
export const safeName = (name: string): string => name.replace(/[^\w.-]/g, '_');

export function gridSlurm(args: string[]): Submitted {
  const { values } = parseArgs({
    args,
    options: {
      spec: { type: 'string' },
      shards: { type: 'string' },
      out: { type: 'string' },
      gres: { type: 'string' },
      time: { type: 'string' },
      partition: { type: 'string' },
      'cpus-per-task': { type: 'string' },
      mem: { type: 'string' },
      account: { type: 'string' },
      sbatch: { type: 'string', multiple: true },
      backend: { type: 'string', default: 'auto' },
      data: { type: 'string', multiple: true },
      submit: { type: 'boolean', default: false },
    },
  });
  if (!values.spec) throw new Error('missing --spec <grid.json>');
  if (!values.shards) throw new Error('missing --shards <n> (how many array tasks share the grid)');
  const shards = Number(values.shards);
  if (!Number.isInteger(shards))
    throw new Error(`--shards must be a whole number from 1 to 10000 (got "${values.shards}")`);
  if (!(BACKEND_REQUESTS as readonly string[]).includes(values.backend))
    throw new Error(`--backend must be one of ${BACKEND_REQUESTS.join(', ')}`);
  const cpus = values['cpus-per-task'] === undefined ? undefined : Number(values['cpus-per-task']);
  if (cpus !== undefined && !(Number.isInteger(cpus) && cpus >= 1))
    throw new Error(`--cpus-per-task must be a whole number ≥ 1 (got ${values['cpus-per-task']})`);

  const specPath = resolve(values.spec);
  const grid = expandGrid(readJson(specPath, 'grid spec'));
  if (shards > grid.members.length)
    throw new Error(
      `--shards ${shards} is more than the grid's ${grid.members.length} members: some tasks would have nothing to do`,
    );
  const outDir = resolve(values.out ?? `grid-${safeName(grid.name)}`);
  // The jobs read their own copy: editing the spec after submitting cannot change a running grid.
  const frozenSpec = join(outDir, 'slurm', 'spec.json');
  // Built (and every flag checked) before anything is written: a refused flag leaves no folder.
  const scripts = slurmScripts({
    outDir,
    specPath: frozenSpec,
    repoDir: REPO,
    shards,
    jobName: safeName(`nclab-${grid.name}`),
    backend: values.backend,
    partition: values.partition,
    time: values.time,
    gres: values.gres,
    cpusPerTask: cpus,
    mem: values.mem,
    account: values.account,
    extra: values.sbatch,
    data: values.data?.map((f) => resolve(f)),
  });
  makeDirs(join(outDir, 'slurm'));
  copyFileSync(specPath, frozenSpec);
  for (const [name, text] of [
    ['shards.sbatch', scripts.shards],
    ['merge.sbatch', scripts.merge],
    ['submit.sh', scripts.submit],
  ] as const) {
    const file = join(outDir, 'slurm', name);
    writeFileSync(file, text);
    chmodSync(file, 0o755);
  }
  process.stderr.write(
    `grid "${grid.name}": ${grid.members.length} members in ${shards} array tasks; scripts in ${join(outDir, 'slurm')}\n`,
  );
  if (!values.submit) return { outDir, members: grid.members.length, jobs: null };
  const jobs = submit(outDir);
  process.stderr.write(
    `shards: job ${jobs.array} (array of ${shards}); merge: job ${jobs.merge} (after the array succeeds)\n`,
  );
  return { outDir, members: grid.members.length, jobs };
}

function submit(outDir: string): { array: string; merge: string } {
  let out: string;
  try {
    out = execFileSync('bash', [join(outDir, 'slurm', 'submit.sh')], { encoding: 'utf8' });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    const missing = /sbatch: (command )?not found/.test(err.stderr ?? err.message);
    throw new Error(
      missing
        ? 'sbatch is not on PATH: run this on a Slurm login node, or without --submit to only write the scripts'
        : `sbatch refused the job: ${(err.stderr ?? err.message).trim()}`,
      { cause: e },
    );
  }
  const match = /shards: job (\d+) .*merge: job (\d+)/.exec(out);
  if (!match) throw new Error(`could not read the job ids from sbatch: ${out.trim()}`);
  return { array: match[1], merge: match[2] };
}
