/**
 * The Slurm path for real: a single-node cluster from Debian's slurm-wlm + munge
 * (scripts/slurm/local-cluster.sh, needs root), a grid submitted as a 4-task job array with the
 * merge as a dependent job, and the merged results compared number for number with the same grid
 * run in one process. CI installs the packages (.ci/run) and runs as root, so there it always
 * runs; elsewhere it is skipped with the reason.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GridMemberResult } from '../../src/engine/grid/runner';

const exec = promisify(execFile);

function which(cmd: string): boolean {
  try {
    execFileSync('bash', ['-c', `command -v ${cmd}`]);
    return true;
  } catch {
    return false;
  }
}

function running(daemon: string): boolean {
  try {
    execFileSync('pgrep', ['-x', daemon]);
    return true;
  } catch {
    return false;
  }
}

const root = process.getuid?.() === 0;
const missing = !which('slurmctld')
  ? 'Slurm is not installed (apt-get install slurm-wlm munge)'
  : !root
    ? 'starting a local Slurm cluster needs root'
    : null;
const run = missing === null || process.env.CI ? describe : describe.skip;

async function grid(args: string[]): Promise<string> {
  const { stdout } = await exec('npx', ['tsx', 'scripts/grid.ts', ...args], {
    maxBuffer: 64 << 20,
  });
  return stdout;
}

interface Merged {
  members: GridMemberResult[];
}

const numbers = (m: GridMemberResult) => ({
  id: m.id,
  history: m.result.history,
  final: m.result.final?.metrics,
});

/** Waits until none of the jobs is queued or running (squeue forgets finished jobs). */
async function waitForJobs(ids: string[], timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const { stdout } = await exec('squeue', ['-h', '-j', ids.join(','), '-o', '%i %T']);
    if (!stdout.trim()) return;
    await new Promise((r) => setTimeout(r, 2000));
  }
  throw new Error(`Slurm jobs ${ids.join(', ')} still queued or running after ${timeoutMs} ms`);
}

// A UFM grid and a network grid on the Gaussian mixture: 4 members each, one per array task.
const SPECS = [
  {
    name: 'slurm-ufm',
    base: { preset: 'tiny-check', steps: 30, reportEvery: 10 },
    axes: [{ field: 'depth', values: [1, 2] }],
    seeds: [1, 2],
  },
  {
    name: 'slurm-net',
    base: { preset: 'net-gauss-tiny', epochs: 4, measureEvery: 2 },
    axes: [{ field: 'depthLinear', values: [1, 2] }],
    seeds: [1, 2],
  },
];

run(`a grid on a local Slurm cluster${missing ? `: skipped, ${missing}` : ''}`, () => {
  let startedHere = false;
  beforeAll(() => {
    startedHere = !which('sinfo') || !running('slurmctld');
    execFileSync('bash', ['scripts/slurm/local-cluster.sh', 'start'], { stdio: 'inherit' });
  });
  afterAll(() => {
    if (startedHere) execFileSync('bash', ['scripts/slurm/local-cluster.sh', 'stop']);
  });

  it.each(SPECS)(
    '$name: a 4-task job array and its dependent merge equal the grid run in one process',
    async (spec) => {
      const dir = mkdtempSync(join(tmpdir(), 'nc-slurm-'));
      const specPath = join(dir, 'spec.json');
      writeFileSync(specPath, JSON.stringify(spec));
      const out = join(dir, 'cluster');
      const { stderr } = await exec(
        'npx',
        ['tsx', 'scripts/grid.ts', 'slurm', '--spec', specPath, '--shards', '4'].concat([
          '--out',
          out,
          '--backend',
          'wasm',
          '--submit',
        ]),
      );
      const ids = /shards: job (\d+) .*merge: job (\d+)/.exec(stderr);
      expect(ids, stderr).not.toBeNull();
      await waitForJobs([ids![1], ids![2]], 600_000);
      const mergeLog = join(out, 'slurm', `merge-${ids![2]}.out`);
      expect(existsSync(join(out, 'merged.json')), readLog(mergeLog)).toBe(true);
      // Every task ran its own share: four shard logs.
      for (let i = 0; i < 4; i++)
        expect(existsSync(join(out, 'slurm', `${ids![1]}_${i}.out`))).toBe(true);
      // Each task claimed its members in DIR/running while it ran and released them as it ended.
      expect(readdirSync(join(out, 'running'))).toEqual([]);

      const whole = join(dir, 'one-process');
      await grid(['--spec', specPath, '--out', whole, '--backend', 'wasm', '--quiet']);
      await grid(['merge', whole]);
      const a = JSON.parse(readFileSync(join(whole, 'merged.json'), 'utf8')) as Merged;
      const b = JSON.parse(readFileSync(join(out, 'merged.json'), 'utf8')) as Merged;
      expect(a.members).toHaveLength(4);
      expect(b.members.map(numbers)).toEqual(a.members.map(numbers));
    },
    900_000,
  );
});

function readLog(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : `(no merge log at ${path})`;
}
