import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './metrics';
import { compareValue, type Tolerance } from '../src/engine/metrics/compare';
import { writeNpy } from '../src/engine/metrics/npy';
import type { OracleFile } from '../src/engine/metrics/oracle';
import { ORACLE_DIR } from '../src/engine/testing/oracles';
import {
  METRIC_KEYS,
  computeMetricsFromArrays,
  type MetricsResult,
} from '../src/engine/metrics/index';

const ORACLE_PATH = `${ORACLE_DIR}metrics/metric_vectors.json`;
const oracle = JSON.parse(readFileSync(ORACLE_PATH, 'utf8')) as OracleFile & {
  tolerance: Record<string, Tolerance>;
};
const EXACT = /accuracy|mismatch|agreement|^counts$/;

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

function mismatches(
  got: MetricsResult,
  expected: Record<string, unknown>,
  tol: Tolerance,
): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(got.values)) {
    const msg = compareValue(v, expected[k] as never, tol, EXACT.test(k), k);
    if (msg) out.push(msg);
  }
  return out;
}

describe('scripts/metrics.ts CLI', () => {
  it('prints one result per oracle case, by name, matching the oracle at 1e-9 with --engine host', async () => {
    const r = await cli([ORACLE_PATH, '--engine', 'host']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, MetricsResult>;
    expect(Object.keys(out)).toEqual(oracle.cases.map((c) => c.name));
    for (const c of oracle.cases) {
      const res = out[c.name];
      // 'full' = every key but the d×d sigma_w / sigma_b
      expect(Object.keys(res.values)).toEqual(
        METRIC_KEYS.filter((k) => k !== 'sigma_w' && k !== 'sigma_b'),
      );
      expect(
        mismatches(res, c.expected!, oracle.tolerance.float64_reimplementation),
        c.name,
      ).toEqual([]);
    }
  });

  it('default cpu engine (tfjs float32) matches the oracle at the float32 tolerance for a chosen key list', async () => {
    const r = await cli([
      ORACLE_PATH,
      '--set',
      'nc1_pinv,nc2_etf_error_means,nc4_ncc_mismatch_test,gof_x',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, MetricsResult>;
    for (const c of oracle.cases) {
      const tol = c.name.includes('offset')
        ? oracle.tolerance.float32_large_offset_cases
        : oracle.tolerance.float32_browser_default;
      expect(Object.keys(out[c.name].values)).toEqual([
        'nc1_pinv',
        'nc2_etf_error_means',
        'nc4_ncc_mismatch_test',
        'gof_x',
      ]);
      expect(mismatches(out[c.name], c.expected!, tol), c.name).toEqual([]);
    }
  });

  it('reads features/labels/weights .npy and a JSON bias, same numbers as the array entry point', async () => {
    const c = oracle.cases.find((x) => x.name === 'random_balanced_k5_d8')!;
    const { H, y, W, b } = c.inputs;
    const dir = mkdtempSync(join(tmpdir(), 'metrics-cli-'));
    writeFileSync(join(dir, 'H.npy'), writeNpy(H.flat(), [H.length, H[0].length], 'f4'));
    writeFileSync(join(dir, 'y.npy'), writeNpy(y, [y.length], 'i8'));
    writeFileSync(join(dir, 'W.npy'), writeNpy(W!.flat(), [W!.length, W![0].length], 'f8'));
    writeFileSync(join(dir, 'b.json'), JSON.stringify(b));
    const args = [
      join(dir, 'H.npy'),
      '--labels',
      join(dir, 'y.npy'),
      '--weights',
      join(dir, 'W.npy'),
      '--bias',
      join(dir, 'b.json'),
    ];
    const ref = await computeMetricsFromArrays(
      { K: c.inputs.K, features: H, labels: y, W, b },
      'full',
    );
    for (const engine of ['host', 'cpu']) {
      const r = await cli([...args, '--engine', engine, '--batch-size', '7']);
      expect(r.code, r.stderr).toBe(0);
      const res = JSON.parse(r.stdout) as MetricsResult;
      expect(Object.keys(res.values)).toEqual(Object.keys(ref.values));
      const tol =
        engine === 'host'
          ? oracle.tolerance.float64_reimplementation
          : oracle.tolerance.float32_browser_default;
      expect(mismatches(res, ref.values as Record<string, unknown>, tol), engine).toEqual([]);
    }
  });

  it('bad input: exit code 1 and a stderr message naming what is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metrics-cli-bad-'));
    const H = join(dir, 'H.npy');
    writeFileSync(H, writeNpy([1, 2, 3, 4, 5, 6], [3, 2], 'f8'));
    writeFileSync(join(dir, 'y2.npy'), writeNpy([0, 1], [2], 'i8'));
    writeFileSync(join(dir, 'yf.json'), '[0, 1.5, 1]');
    writeFileSync(join(dir, 'junk.npy'), 'not numpy');
    writeFileSync(join(dir, 'other.json'), '{"hello": 1}');
    const cases: [string[], RegExp][] = [
      [[join(dir, 'missing.npy'), '--labels', 'x'], /features: cannot read .*missing\.npy/],
      [[join(dir, 'junk.npy'), '--labels', join(dir, 'y2.npy')], /features .*junk\.npy.*magic/],
      [[H], /without --labels/],
      [[H, '--labels', join(dir, 'y2.npy')], /labels has 2 entries, features has 3 rows/],
      [[H, '--labels', join(dir, 'yf.json')], /entry 1 = 1.5 is not an integer label/],
      [[join(dir, 'other.json')], /expected \{"cases": \[\.\.\.\]\}/],
      [[ORACLE_PATH, '--set', 'nc1_pinv,not_a_key'], /unknown metric key\(s\) not_a_key/],
      [[ORACLE_PATH, '--engine', 'gpu'], /--engine must be cpu, wasm or host/],
      [[], /missing input file/],
    ];
    for (const [args, pattern] of cases) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(pattern);
    }
  });

  it('--help (or -h) prints the usage on stdout and exits 0', async () => {
    for (const args of [['--help'], ['-h'], [ORACLE_PATH, '--help']]) {
      const r = await cli(args);
      expect(r, args.join(' ')).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout).toMatch(
        /^usage: npm run metrics -- <file\.json\|features\.npy> \[options\]\n/,
      );
      for (const flag of ['--labels', '--weights', '--bias', '--test-features', '--set'])
        expect(r.stdout, flag).toContain(`  ${flag} `);
    }
  });

  it('as a process: `tsx scripts/metrics.ts <missing file>` exits with code 1 and explains on stderr', () => {
    const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
    const script = fileURLToPath(new URL('./metrics.ts', import.meta.url));
    const p = spawnSync(
      process.execPath,
      [tsx, script, '/nonexistent/features.npy', '--labels', 'y.npy'],
      {
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(p.status).toBe(1);
    expect(p.stdout).toBe('');
    expect(p.stderr).toMatch(/metrics: features: cannot read \/nonexistent\/features\.npy/);
  });

  it('as a process on the cpu engine: stderr carries no tfjs advice to install tfjs-node', () => {
    const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
    const script = fileURLToPath(new URL('./metrics.ts', import.meta.url));
    const p = spawnSync(process.execPath, [tsx, script, ORACLE_PATH, '--set', 'cheap'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(p.status).toBe(0);
    expect(Object.keys(JSON.parse(p.stdout) as object).length).toBe(oracle.cases.length);
    expect(p.stderr).not.toMatch(/tfjs-node|Hi, looks like/);
  });
});
