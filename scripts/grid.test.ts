import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { GridMemberResult } from '../src/engine/grid/runner';

const exec = promisify(execFile);

async function grid(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('npx', ['tsx', 'scripts/grid.ts', ...args], {
      maxBuffer: 64 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const spec = {
  name: 'cli-small',
  base: { preset: 'tiny-check', steps: 30, reportEvery: 10 },
  axes: [{ field: 'depth', values: [1, 2] }],
  seeds: [1, 2, 3],
};

interface Merged {
  kind: string;
  members: GridMemberResult[];
  summary: { id: string; status: string }[];
}

/** What must agree number for number between a sharded and a one-process run. */
const numbers = (m: GridMemberResult) => ({
  id: m.id,
  history: m.result.history,
  final: m.result.final?.metrics,
});

describe('npm run grid', () => {
  it('2 shards merged equal the grid run in one process, number for number; merge refuses a missing share', async () => {
    const root = mkdtempSync(join(tmpdir(), 'nc-grid-'));
    const specPath = join(root, 'grid.json');
    writeFileSync(specPath, JSON.stringify(spec));
    const whole = join(root, 'whole');
    const sharded = join(root, 'sharded');

    const dry = await grid(['--spec', specPath, '--shard', '1/2', '--dry-run']);
    expect(dry.stdout.trim().split('\n')).toEqual([
      '1\tdepth=1,seed=2',
      '3\tdepth=2,seed=1',
      '5\tdepth=2,seed=3',
    ]);

    const one = await grid(['--spec', specPath, '--out', whole, '--quiet']);
    expect(one.code, one.stderr).toBe(0);
    const first = await grid(['--spec', specPath, '--out', sharded, '--shard', '0/2', '--quiet']);
    expect(first.code, first.stderr).toBe(0);

    const early = await grid(['merge', sharded]);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(
      /6 members; 3 missing \(depth=1,seed=2; depth=2,seed=1; depth=2,seed=3\)/,
    );

    const second = await grid(['--spec', specPath, '--out', sharded, '--shard', '1/2', '--quiet']);
    expect(second.code, second.stderr).toBe(0);
    // Run again without --resume: refused; with it, nothing is run twice.
    const again = await grid(['--spec', specPath, '--out', sharded, '--shard', '1/2']);
    expect(again.stderr).toMatch(/already holds 3 of these members: pass --resume/);
    const resumed = await grid([
      '--spec',
      specPath,
      '--out',
      sharded,
      '--shard',
      '1/2',
      '--resume',
    ]);
    expect(resumed.stderr).toMatch(/resuming: 3 members already done/);

    expect((await grid(['merge', whole])).code).toBe(0);
    expect((await grid(['merge', sharded])).code).toBe(0);
    const a = JSON.parse(readFileSync(join(whole, 'merged.json'), 'utf8')) as Merged;
    const b = JSON.parse(readFileSync(join(sharded, 'merged.json'), 'utf8')) as Merged;
    expect(a.kind).toBe('nc-lab-grid');
    expect(a.members.map((m) => m.id)).toEqual([
      'depth=1,seed=1',
      'depth=1,seed=2',
      'depth=1,seed=3',
      'depth=2,seed=1',
      'depth=2,seed=2',
      'depth=2,seed=3',
    ]);
    expect(a.summary.every((r) => r.status === 'completed')).toBe(true);
    expect(b.members.map(numbers)).toEqual(a.members.map(numbers));
    expect(a.members[0].result.history.map((h) => h.step)).toEqual([0, 10, 20, 30]);
    expect(existsSync(join(sharded, 'summary-shard-1-of-2.json'))).toBe(true);
    rmSync(root, { recursive: true, force: true });
  }, 180_000);

  it('names a bad spec and a bad shard', async () => {
    const root = mkdtempSync(join(tmpdir(), 'nc-grid-'));
    const specPath = join(root, 'grid.json');
    writeFileSync(specPath, JSON.stringify({ ...spec, axes: [{ field: 'depth', values: [0] }] }));
    const bad = await grid(['--spec', specPath, '--dry-run']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/grid: axis depth, value 0: depth:/);
    writeFileSync(specPath, JSON.stringify(spec));
    const shard = await grid(['--spec', specPath, '--shard', '2/2', '--dry-run']);
    expect(shard.stderr).toMatch(/--shard "2\/2": i counts from 0/);
    rmSync(root, { recursive: true, force: true });
  }, 60_000);
});
