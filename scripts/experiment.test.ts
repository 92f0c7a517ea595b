import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ORACLE_DIR, readUfmOracle } from '../src/engine/testing/oracles';
import type { RunResult } from '../src/engine/run/result';
import { configFromOracle } from '../src/engine/testing/ufmOracleConfig';

const exec = promisify(execFile);

interface MdMeta {
  n_corrupted_total: number;
}
const CLI = ['tsx', 'scripts/experiment.ts'];

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('npx', [...CLI, ...args], { maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** A reported value that must be a finite number (null, undefined or NaN fail naming it). */
function finite(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new Error(`expected a finite number, got ${JSON.stringify(value)}`);
  return value;
}

/** A per-layer value: an array of `layers` finite numbers. */
function perLayer(value: unknown, layers: number, key: string): number[] {
  if (!Array.isArray(value))
    throw new Error(`${key}: expected a per-layer array, got ${JSON.stringify(value)}`);
  expect(value, key).toHaveLength(layers);
  return value.map(finite);
}

describe('npm run experiment', () => {
  it('runs a share URL and prints the RunResult JSON with metric keys as in docs/metrics.md', async () => {
    const { code, stdout } = await runCli([
      '--config',
      'http://localhost:5173/?preset=tiny-check&steps=40',
      '--quiet',
    ]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as RunResult;
    expect(result.status).toBe('completed');
    expect(result.backend.backend).toBe('wasm');
    expect(result.config).toMatchObject({ steps: 40 });
    expect(result.history.map((h) => h.step)).toEqual([0, 20, 40]);
    const metrics = result.final!.metrics;
    for (const key of ['nc1_pinv', 'nc2_etf_error_weights', 'nc3_wh_etf_error', 'loss'] as const)
      expect(finite(metrics[key]), key).toBeGreaterThan(0);
    // One NC1 per layer of the depth-2 head, the first being the penultimate layer's nc1_pinv.
    expect(perLayer(metrics.deep_nc1_pinv, 2, 'deep_nc1_pinv')[0]).toBe(metrics.nc1_pinv);
    expect(result.theory?.lossMin).toBeGreaterThan(0);
  });

  it('reproduces a reference run from an oracle file given as --init', async () => {
    const oracle = readUfmOracle('balanced_M3_bias');
    const dir = mkdtempSync(join(tmpdir(), 'nclab-'));
    const config = { ...configFromOracle(oracle.config), steps: 100, reportEvery: 100 };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    const { code, stdout } = await runCli([
      '--config',
      join(dir, 'config.json'),
      '--init',
      `${ORACLE_DIR}ufm/ref_ufm_balanced_M3_bias_it5000.json`,
      '--quiet',
    ]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as RunResult;
    const ref = oracle.trajectory.find((t) => t.step === 100)!;
    expect(
      Math.abs(Number(result.final!.metrics.loss) - ref.loss_post_step) / ref.loss_post_step,
    ).toBeLessThan(3e-5);
  });

  it('refuses a bad config with a message naming the field and a non-zero exit', async () => {
    const bad = await runCli(['--config', '?hidden=-3']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/hidden/);
    const missing = await runCli(['--config', '/nonexistent/config.json']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read config file/);
    const inline = await runCli(['--config', '{"preset": "tiny-check", "hidden": -3}']);
    expect(inline.code).toBe(1);
    expect(inline.stderr).toMatch(/hidden: must be a whole number ≥ 1/);
    const broken = await runCli(['--config', '{"preset": "tiny-check",']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/the --config JSON is not valid JSON/);
  });

  it('writes --out into folders it creates, and refuses an output it cannot write before training', async () => {
    const root = mkdtempSync(join(tmpdir(), 'nc-exp-out-'));
    const out = join(root, 'made', 'by', 'the', 'cli', 'result.json');
    const made = await runCli(['--config', 'preset=tiny-check&steps=20', '--out', out, '--quiet']);
    expect(made.code).toBe(0);
    expect((JSON.parse(readFileSync(out, 'utf8')) as RunResult).status).toBe('completed');
    // refused at once: no progress line was printed, so nothing trained
    const folder = await runCli(['--config', 'preset=tiny-check', '--out', root]);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toMatch(/--out .* is a folder: give a file name/);
    expect(folder.stderr).not.toMatch(/step \d/);
    const proc = await runCli(['--config', 'preset=tiny-check', '--out', '/proc/nclab.json']);
    expect(proc.code).toBe(1);
    expect(proc.stderr).toMatch(/--out \/proc\/nclab.json cannot be written: ENOENT/);
    expect(proc.stderr).not.toMatch(/step \d/);
  });

  it('checks --export-layer before training, writes checkpoints given only --checkpoint, and says when --data goes unread', async () => {
    const net = ['--config', 'preset=net-gauss-tiny'];
    const alone = await runCli([...net, '--export-layer', '1']);
    expect(alone.code).toBe(1);
    expect(alone.stderr).toMatch(/--export-layer takes --export-features <DIR>/);
    const dir = mkdtempSync(join(tmpdir(), 'nc-exp-layer-'));
    // net-gauss-tiny's head has depthLinear = 2 layers: 0 and 1.
    for (const bad of ['2', 'x', '1.5']) {
      const r = await runCli([...net, '--export-features', dir, '--export-layer', bad]);
      expect(r.code, bad).toBe(1);
      expect(r.stderr).toContain(`--export-layer must be a head layer of this run, 0…1`);
      expect(r.stderr, 'refused before training').not.toMatch(/step \d/);
    }
    const checkpoint = join(dir, 'ck', 'state.json');
    const ufm = await runCli([
      '--config',
      'preset=tiny-check&steps=40',
      '--checkpoint',
      checkpoint,
      '--data',
      'package.json',
      '--quiet',
    ]);
    expect(ufm.code).toBe(0);
    expect(ufm.stderr).toMatch(/warning: --data is not read: a UFM trains on no dataset/);
    const saved = JSON.parse(readFileSync(checkpoint, 'utf8')) as { format: string; step: number };
    expect(saved).toMatchObject({ format: 'nc-lab-checkpoint', step: 40 });
  });

  it('refuses inherited keys (constructor, __proto__) in a config file as unknown fields, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nclab-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, '{"preset": "tiny-check", "steps": 40, "constructor": 1, "__proto__": {}}');
    const bad = await runCli(['--config', file, '--quiet']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/constructor: unknown config field/);
    expect(bad.stderr).toMatch(/__proto__: unknown config field/);
  });

  it('trains a network experiment (Gaussian mixture) and reports per-epoch NC metrics', async () => {
    const { code, stdout } = await runCli([
      '--config',
      '?preset=net-gauss-tiny&epochs=40&measureEvery=20',
      '--backend',
      'wasm',
      '--quiet',
    ]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as RunResult;
    expect(result.status).toBe('completed');
    expect(result.final!.shape).toMatchObject({ K: 4, depth: 2, unit: 'epoch' });
    expect(result.history.map((h) => h.step / result.final!.shape.stepsPerUnit)).toEqual([
      0, 20, 40,
    ]);
    const [first, last] = [result.history[0].metrics, result.final!.metrics];
    expect(Number(last.nc1_pinv)).toBeLessThan(Number(first.nc1_pinv));
    const deep = perLayer(last.deep_nc1_pinv, 2, 'deep_nc1_pinv');
    for (const v of deep) expect(v).toBeGreaterThan(0);
  });

  it('a CIFAR-10 network experiment without --data says which files it needs (exit 1)', async () => {
    const { code, stderr } = await runCli(['--config', '?preset=seed-mlp-w512-m1-bias']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/cifar10 needs its files: add --data/);
  });

  it("--corrupted gives a run exactly the oracle's noisy labels (seed 002 reference list)", async () => {
    const oracle = `${ORACLE_DIR}md/ref_md_CE.json`;
    const meta = (JSON.parse(readFileSync(oracle, 'utf8')) as { meta: MdMeta }).meta;
    const { code, stdout } = await runCli([
      '--config',
      '?preset=md-mnist-reference&labelNoise=0&pairWith=none&epochs=1&measureSamples=0&resize32=0&width=16&depthRelu=1&batchSize=1024',
      '--corrupted',
      oracle,
      '--backend',
      'wasm',
      '--quiet',
    ]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as RunResult;
    // Every stored training sample is measured (fit and held-out): the corrupted ones per
    // original class add up to the oracle's count, and the noisy label counts are the oracle's.
    const perClass = result.final!.metrics.md_n_corrupted as number[];
    expect(perClass.reduce((a, n) => a + n, 0)).toBe(meta.n_corrupted_total);
    const bad = await runCli(['--config', '?preset=md-mnist-quick', '--corrupted', oracle]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/labelNoise and corrupted are exclusive/);
  });

  it("--corrupted is refused before anything trains: on a UFM, and beside a preset's labelNoise (saying labelNoise=0)", async () => {
    const oracle = `${ORACLE_DIR}md/ref_md_CE.json`;
    const ufm = await runCli(['--config', '?preset=tiny-check', '--corrupted', oracle, '--quiet']);
    expect(ufm.code).toBe(1);
    expect(ufm.stdout).toBe('');
    expect(ufm.stderr).toBe(
      'experiment: --corrupted takes a network run (experiment=net): a UFM has no labels\n',
    );
    const noisy = await runCli(['--config', '?preset=md-mnist-reference', '--corrupted', oracle]);
    expect(noisy.code).toBe(1);
    expect(noisy.stderr).toBe(
      'experiment: labelNoise and corrupted are exclusive: --corrupted gives the noisy labels, and this config has labelNoise = 0.2 (add labelNoise=0 to --config)\n',
    );
  });
});
