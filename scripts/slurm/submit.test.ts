import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { gridSlurm, safeName } from './submit';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'nc-slurm-submit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** README's example grid: its name has a space and a "×". */
const spec = {
  name: 'depth × lr',
  base: { preset: 'tiny-check', steps: 10 },
  axes: [{ field: 'depth', values: [1, 2] }],
  seeds: [1, 2],
};
const specPath = join(dir, 'grid.json');
writeFileSync(specPath, JSON.stringify(spec));

/** `npm run grid -- slurm …` as a process, from the folder `cwd`. */
function gridCli(args: string[], cwd: string) {
  const r = spawnSync(
    join(ROOT, 'node_modules/.bin/tsx'),
    [join(ROOT, 'scripts/grid.ts'), ...args],
    {
      cwd,
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run grid -- slurm', () => {
  it('without --out, a grid whose name has a space writes its scripts to ./grid-<name with _>', () => {
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    const r = gridCli(['slurm', '--spec', specPath, '--shards', '2'], cwd);
    expect(r.stderr).toBe(
      `grid "depth × lr": 4 members in 2 array tasks; scripts in ${join(cwd, 'grid-depth___lr', 'slurm')}\n`,
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      outDir: join(cwd, 'grid-depth___lr'),
      members: 4,
      jobs: null,
    });
    const shards = readFileSync(join(cwd, 'grid-depth___lr/slurm/shards.sbatch'), 'utf8');
    expect(shards).toContain('#SBATCH --job-name=nclab-depth___lr\n');
    expect(shards).toContain('#SBATCH --array=0-1\n');
    expect(JSON.parse(readFileSync(join(cwd, 'grid-depth___lr/slurm/spec.json'), 'utf8'))).toEqual(
      spec,
    );
    expect(safeName('depth × lr')).toBe('depth___lr');
  });

  it('a refused flag writes nothing: no folder is left behind', () => {
    const out = join(dir, 'refused');
    const cases: [string[], RegExp][] = [
      [['--shards', 'abc'], /^--shards must be a whole number from 1 to 10000 \(got "abc"\)$/],
      [['--shards', '0'], /^--shards must be a whole number from 1 to 10000 \(got 0\)$/],
      [
        ['--shards', '2', '--partition', 'gpu; rm -rf ~'],
        /^--partition "gpu; rm -rf ~" has characters/,
      ],
      [['--shards', '2', '--time', '1:00\n#SBATCH --x'], /^--time ".*" has characters/s],
    ];
    for (const [flags, message] of cases) {
      expect(
        () => gridSlurm(['--spec', specPath, '--out', out, ...flags]),
        flags.join(' '),
      ).toThrow(message);
      expect(existsSync(out), flags.join(' ')).toBe(false);
    }
    // An --out the job script cannot hold (a space) is refused before its folder is made.
    const spaced = join(dir, 'with space');
    expect(() => gridSlurm(['--spec', specPath, '--shards', '2', '--out', spaced])).toThrow(
      /^--out ".*with space\/slurm\/%A_%a\.out" has characters/,
    );
    expect(existsSync(spaced)).toBe(false);
  });

  it('a spec that is missing or not JSON is named with its path', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{');
    expect(() => gridSlurm(['--spec', bad, '--shards', '2'])).toThrow(
      new RegExp(`^grid spec "${bad}" is not valid JSON: `),
    );
    const missing = join(dir, 'missing.json');
    expect(() => gridSlurm(['--spec', missing, '--shards', '2'])).toThrow(
      new RegExp(`^cannot read grid spec "${missing}": ENOENT`),
    );
  });

  it('slurm --help prints its flags and exits 0; grid --help points to it', () => {
    const help = gridCli(['slurm', '--help'], ROOT);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run grid -- slurm --spec grid\.json --shards n/m);
    for (const flag of [
      '--shards',
      '--submit',
      '--partition',
      '--time',
      '--gres',
      '--cpus-per-task',
      '--mem',
      '--account',
      '--sbatch=<option>',
    ])
      expect(help.stdout, flag).toContain(flag);
    const grid = gridCli(['--help'], ROOT);
    expect(grid.code).toBe(0);
    expect(grid.stdout).toContain('npm run grid -- slurm --help lists its flags');
  });
});
