import { execFile, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../src/engine/core/backend';
import { GridRun, type GridMemberResult, type InterruptedMember } from '../src/engine/grid/runner';
import { expandGrid } from '../src/engine/grid/spec';

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

  it('--resume continues a member caught mid-run from DIR/partial and ends with the numbers of an uninterrupted run', async () => {
    const root = mkdtempSync(join(tmpdir(), 'nc-grid-'));
    const specPath = join(root, 'grid.json');
    writeFileSync(specPath, JSON.stringify(spec));
    const whole = join(root, 'whole');
    const one = await grid(['--spec', specPath, '--out', whole, '--quiet']);
    expect(one.code, one.stderr).toBe(0);
    // Every member finished: no partial file is left behind.
    expect(existsSync(join(whole, 'partial', '0002.json'))).toBe(false);

    // A job killed during member 2 at step 10: members 0 and 1 written, member 2's checkpoint
    // and history in partial/ (made by the engine as the CLI writes them).
    const crashed = join(root, 'crashed');
    mkdirSync(join(crashed, 'members'), { recursive: true });
    mkdirSync(join(crashed, 'partial'), { recursive: true });
    cpSync(join(whole, 'grid.json'), join(crashed, 'grid.json'));
    for (const f of ['0000.json', '0001.json'])
      cpSync(join(whole, 'members', f), join(crashed, 'members', f));
    const expanded = expandGrid(spec);
    let saved: InterruptedMember | null = null;
    const killed = new GridRun(expanded, await initBackend('wasm'), {
      only: [expanded.members[2]],
      checkpointEvery: 1,
      onMemberCheckpoint: (state) => {
        saved = state;
        if (state.checkpoint.step === 10) killed.cancel();
      },
    });
    await killed.run();
    writeFileSync(join(crashed, 'partial', '0002.json'), JSON.stringify(saved));

    const resumed = await grid(['--spec', specPath, '--out', crashed, '--resume', '--quiet']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming depth=1,seed=3 from its checkpoint at step 10/);
    expect(existsSync(join(crashed, 'partial', '0002.json'))).toBe(false);
    const read = (dir: string) =>
      JSON.parse(readFileSync(join(dir, 'members', '0002.json'), 'utf8')) as GridMemberResult;
    expect(numbers(read(crashed))).toEqual(numbers(read(whole)));
    expect(read(crashed).result.history.map((h) => h.step)).toEqual([0, 10, 20, 30]);

    // A damaged partial file is named, not silently restarted.
    rmSync(join(crashed, 'members', '0004.json'));
    writeFileSync(join(crashed, 'partial', '0004.json'), '{"id": "depth=2,seed=2", "history": []}');
    const damaged = await grid(['--spec', specPath, '--out', crashed, '--resume', '--quiet']);
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toMatch(/partial member file ".*0004\.json": not an NC Lab checkpoint/);
    rmSync(root, { recursive: true, force: true });
  }, 180_000);

  it('a second process on the same --out DIR is refused while the first runs those members, and merge names it; SIGTERM ends the first and releases its claim', async () => {
    const root = mkdtempSync(join(tmpdir(), 'nc-grid-'));
    const specPath = join(root, 'grid.json');
    const long = { ...spec, name: 'cli-long', base: { ...spec.base, steps: 1_000_000 } };
    writeFileSync(specPath, JSON.stringify(long));
    const dir = join(root, 'out');
    // node with tsx's loader in the same process, so the signal reaches the grid itself
    const first = spawn(process.execPath, [
      '--import',
      'tsx',
      'scripts/grid.ts',
      '--spec',
      specPath,
      '--out',
      dir,
      '--quiet',
    ]);
    let firstErr = '';
    first.stderr.on('data', (b: Buffer) => (firstErr += b.toString()));
    const ended = new Promise<NodeJS.Signals | number | null>((done) =>
      first.on('exit', (code, signal) => done(signal ?? code)),
    );
    const claims = () =>
      existsSync(join(dir, 'running')) ? readdirSync(join(dir, 'running')) : [];
    for (let i = 0; i < 300 && claims().length === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(claims(), firstErr).toEqual([
      `${hostname().replace(/[^A-Za-z0-9._-]/g, '_')}-${first.pid}.json`,
    ]);

    const second = await grid(['--spec', specPath, '--out', dir, '--quiet']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(
      `is being written by another grid process (pid ${first.pid} on ${hostname()}`,
    );
    expect(second.stderr).toMatch(/which runs 6 of these members \(0, 1, 2, 3, 4, …\)/);

    // A merge while it runs names it beside the missing members.
    const early = await grid(['merge', dir]);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(
      new RegExp(
        `6 missing .*\\. Still running in .*: process ${first.pid} on .* \\(6 members, since .*\\); merge once it has ended`,
      ),
    );

    first.kill('SIGTERM');
    expect(await ended).toBe('SIGTERM');
    expect(claims()).toEqual([]);
    rmSync(root, { recursive: true, force: true });
  }, 120_000);

  it('--estimate prints the member count and a time from a calibration of each kind of member; an oversized grid is refused', async () => {
    const root = mkdtempSync(join(tmpdir(), 'nc-grid-'));
    const specPath = join(root, 'grid.json');
    writeFileSync(specPath, JSON.stringify(spec));
    const est = await grid(['--spec', specPath, '--estimate', '--backend', 'wasm']);
    expect(est.code, est.stderr).toBe(0);
    expect(est.stdout.trim()).toMatch(
      /^6 members, ≈ \d+ s.*: from a calibration on wasm \(calibration of depth=1,seed=1: \d+ steps in [\d.]+ s, a report in \d+ ms; calibration of depth=2,seed=1: .*\); every kind of member measured \(2\); per-member setup not counted$/,
    );
    writeFileSync(specPath, JSON.stringify({ ...spec, maxMembers: 5 }));
    const big = await grid(['--spec', specPath, '--estimate']);
    expect(big.code).toBe(1);
    expect(big.stderr).toMatch(/the grid has 6 members, more than its limit of 5/);
    rmSync(root, { recursive: true, force: true });
  }, 120_000);

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
    const figure = await grid(['--figure', 'fig-ufm-depth', '--full', '--dry-run']);
    expect(figure.stdout.trim().split('\n')).toEqual([
      '0\tdepth=1,seed=2',
      '1\tdepth=3,seed=2',
      '2\tdepth=6,seed=2',
      '3\tdepth=9,seed=2',
    ]);
    // flags that need another are refused, not ignored
    for (const [flags, message] of [
      [['--full'], /--full takes --figure <id>/],
      [['--resume'], /--resume takes --out <DIR>/],
      [['--checkpoint-every', '5'], /--checkpoint-every takes --out <DIR>/],
    ] as const) {
      const lone = await grid(['--spec', specPath, ...flags, '--dry-run']);
      expect(lone.code, flags[0]).toBe(1);
      expect(lone.stderr).toMatch(message);
    }
    const unknown = await grid(['--figure', 'fig-nope', '--dry-run']);
    expect(unknown.stderr).toMatch(
      /unknown figure preset "fig-nope" \(one of fig-mlp-depth-gauss, /,
    );
    // an --out the system refuses (under /proc, Node's recursive mkdir never returned) is named
    const proc = await grid(['--spec', specPath, '--out', '/proc/nclab-grid', '--quiet']);
    expect(proc.code).toBe(1);
    expect(proc.stderr).toMatch(/grid: cannot create the folder \/proc\/nclab-grid: ENOENT/);
    rmSync(root, { recursive: true, force: true });
  }, 60_000);
});
