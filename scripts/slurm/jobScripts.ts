/**
 * The Slurm side of a sharded grid: a job array whose task i runs shard i/n of the grid
 * (`npm run grid -- --shard i/n --resume`), and the merge as a job that depends on the whole array
 * (`afterok`). Nothing here is specific to one cluster beyond the flags the user passes
 * (partition, time, gres, CPUs, memory, account, extra #SBATCH lines).
 */
import { dirname } from 'node:path';

export interface SlurmOptions {
  /** The grid's output directory (absolute): shards write there, the merge reads it. */
  outDir: string;
  /** The spec file the shards read (absolute). */
  specPath: string;
  /** The NC Lab checkout the jobs run in (absolute). */
  repoDir: string;
  shards: number;
  jobName: string;
  backend: string;
  partition?: string;
  time?: string;
  gres?: string;
  cpusPerTask?: number;
  mem?: string;
  account?: string;
  /** Further `#SBATCH` options, verbatim (e.g. `--qos=short`). */
  extra?: string[];
  /** The Node binary to use on the compute nodes (default: the one running this). */
  nodeBin?: string;
  /** Data files the members need (CIFAR-10, SVHN…), absolute paths. */
  data?: string[];
}

export interface SlurmScripts {
  /** The job array: one task per shard. */
  shards: string;
  /** The merge, submitted with --dependency=afterok:<array job id>. */
  merge: string;
  /** Submits both, chained, and prints the two job ids. */
  submit: string;
}

/** Slurm flag values go into a shell script: refuse what would break out of it. */
const SAFE = /^[\w.,:=@%/+-]+$/;

function checked(name: string, value: string): string {
  if (!SAFE.test(value)) {
    throw new Error(
      `--${name} "${value}" has characters that are not allowed in a job script (letters, digits and . , : = @ % / + - _ only)`,
    );
  }
  return value;
}

/** Single-quoted for bash. */
function q(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function header(o: SlurmOptions, name: string, log: string): string[] {
  const lines = [
    '#!/bin/bash',
    `#SBATCH --job-name=${checked('job-name', name)}`,
    `#SBATCH --output=${checked('out', `${o.outDir}/slurm/${log}`)}`,
  ];
  if (o.partition) lines.push(`#SBATCH --partition=${checked('partition', o.partition)}`);
  if (o.account) lines.push(`#SBATCH --account=${checked('account', o.account)}`);
  return lines;
}

function environment(o: SlurmOptions): string[] {
  const node = o.nodeBin ?? process.execPath;
  return ['set -euo pipefail', `export PATH=${q(dirname(node))}:"$PATH"`, `cd ${q(o.repoDir)}`];
}

export function slurmScripts(o: SlurmOptions): SlurmScripts {
  if (!Number.isInteger(o.shards) || o.shards < 1 || o.shards > 10_000)
    throw new Error(`--shards must be a whole number from 1 to 10000 (got ${o.shards})`);
  const resources: string[] = [`#SBATCH --array=0-${o.shards - 1}`];
  if (o.time) resources.push(`#SBATCH --time=${checked('time', o.time)}`);
  if (o.gres) resources.push(`#SBATCH --gres=${checked('gres', o.gres)}`);
  if (o.cpusPerTask) resources.push(`#SBATCH --cpus-per-task=${o.cpusPerTask}`);
  if (o.mem) resources.push(`#SBATCH --mem=${checked('mem', o.mem)}`);
  for (const line of o.extra ?? []) resources.push(`#SBATCH ${checked('sbatch', line)}`);
  const data = (o.data ?? []).flatMap((f) => ['--data', q(f)]).join(' ');
  const shards = [
    ...header(o, o.jobName, '%A_%a.out'),
    ...resources,
    ...environment(o),
    '# Task i runs members i, i + n, i + 2n, … of the grid; --resume skips finished ones, so a',
    '# pre-empted or requeued task continues where it stopped. One node process (tsx as its',
    "# loader): Slurm's SIGTERM reaches the grid, which removes its claim on DIR before it ends.",
    `node --import tsx scripts/grid.ts --spec ${q(o.specPath)} --out ${q(o.outDir)} \\`,
    `  --shard "$SLURM_ARRAY_TASK_ID/${o.shards}" --resume --backend ${checked('backend', o.backend)} --quiet${data ? ` ${data}` : ''}`,
    '',
  ].join('\n');
  const merge = [
    ...header(o, `${o.jobName}-merge`, 'merge-%j.out'),
    ...environment(o),
    `node --import tsx scripts/grid.ts merge ${q(o.outDir)}`,
    '',
  ].join('\n');
  const dir = `${o.outDir}/slurm`;
  const submit = [
    '#!/bin/bash',
    '# Submits the shard array, then the merge to run once every shard has succeeded.',
    'set -euo pipefail',
    `array=$(sbatch --parsable ${q(`${dir}/shards.sbatch`)})`,
    'array=${array%%;*}',
    `merge=$(sbatch --parsable --dependency=afterok:"$array" ${q(`${dir}/merge.sbatch`)})`,
    'merge=${merge%%;*}',
    'echo "shards: job $array (array of ' + o.shards + '); merge: job $merge"',
    '',
  ].join('\n');
  return { shards, merge, submit };
}
