import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { slurmScripts, type SlurmOptions } from './jobScripts';

const base: SlurmOptions = {
  outDir: '/scratch/me/grid-out',
  specPath: '/scratch/me/grid.json',
  repoDir: '/home/me/nc-lab',
  shards: 4,
  jobName: 'nclab-depth',
  backend: 'webgpu',
  nodeBin: '/opt/node/bin/node',
};

describe('Slurm job scripts for a sharded grid', () => {
  it('the array has one task per shard, each running shard $SLURM_ARRAY_TASK_ID/n with --resume', () => {
    const { shards } = slurmScripts({ ...base, gres: 'gpu:1', time: '04:00:00', partition: 'gpu' });
    expect(shards.split('\n')[0]).toBe('#!/bin/bash');
    expect(shards).toContain('#SBATCH --array=0-3\n');
    expect(shards).toContain('#SBATCH --gres=gpu:1\n');
    expect(shards).toContain('#SBATCH --time=04:00:00\n');
    expect(shards).toContain('#SBATCH --partition=gpu\n');
    expect(shards).toContain('#SBATCH --output=/scratch/me/grid-out/slurm/%A_%a.out\n');
    expect(shards).toContain(`export PATH='/opt/node/bin':"$PATH"`);
    expect(shards).toContain(`cd '/home/me/nc-lab'`);
    expect(shards).toContain(`--shard "$SLURM_ARRAY_TASK_ID/4" --resume --backend webgpu --quiet`);
    // No flag the user did not ask for.
    expect(slurmScripts(base).shards).not.toMatch(/--gres|--time|--partition|--mem|--account/);
  });

  it('the merge depends on the whole array succeeding, and submit chains the two', () => {
    const { merge, submit } = slurmScripts(base);
    expect(merge).toContain(`scripts/grid.ts merge '/scratch/me/grid-out'`);
    expect(merge).not.toContain('--array');
    expect(submit).toContain(`sbatch --parsable '/scratch/me/grid-out/slurm/shards.sbatch'`);
    expect(submit).toContain(
      `sbatch --parsable --dependency=afterok:"$array" '/scratch/me/grid-out/slurm/merge.sbatch'`,
    );
  });

  it('the scripts are valid bash (bash -n)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nclab-slurm-'));
    const scripts = slurmScripts({ ...base, data: ['/data/cifar 10.tar.gz'] });
    for (const [name, text] of Object.entries(scripts)) {
      const file = join(dir, `${name}.sh`);
      writeFileSync(file, text);
      expect(() => execFileSync('bash', ['-n', file]), name).not.toThrow();
    }
    expect(scripts.shards).toContain(`--data '/data/cifar 10.tar.gz'`);
  });

  it('refuses flag values that would break out of the script, naming the flag', () => {
    expect(() => slurmScripts({ ...base, partition: 'gpu; rm -rf ~' })).toThrow(/--partition/);
    expect(() => slurmScripts({ ...base, time: '1:00\n#SBATCH --x' })).toThrow(/--time/);
    expect(() => slurmScripts({ ...base, shards: 0 })).toThrow(/--shards must be/);
  });
});
